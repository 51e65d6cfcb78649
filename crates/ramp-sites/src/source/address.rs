//! Which IP addresses a `sourceUrl` fetch may connect to (spec amplify.md §11.4).
//!
//! Anything that is not a public unicast address is refused: a deploy's URL is chosen by whoever
//! may call StartDeployment, and without this check it could make ramp read its own admin
//! port, a database on the private network or the cloud metadata service and publish the
//! answer as a site. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4)
//! are judged by the IPv4 address they carry, since that is where the packets end up.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is not a public target. Displayed as "a loopback address" and the like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restricted {
    Unspecified,
    Loopback,
    Private,
    LinkLocal,
    SharedCgnat,
    Broadcast,
    Multicast,
    Documentation,
    Reserved,
}

impl fmt::Display for Restricted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Restricted::Unspecified => "an unspecified (\"this host\") address",
            Restricted::Loopback => "a loopback address",
            Restricted::Private => "a private-network address",
            Restricted::LinkLocal => "a link-local address (this includes cloud metadata services)",
            Restricted::SharedCgnat => "a carrier-grade NAT (shared, 100.64.0.0/10) address",
            Restricted::Broadcast => "a broadcast address",
            Restricted::Multicast => "a multicast address",
            Restricted::Documentation => "a documentation-only address",
            Restricted::Reserved => "a reserved or special-purpose address",
        })
    }
}

/// `None` for a public unicast address, else why it is not one.
pub fn restriction(address: IpAddr) -> Option<Restricted> {
    match address {
        IpAddr::V4(v4) => restriction_v4(v4),
        IpAddr::V6(v6) => restriction_v6(v6),
    }
}

fn restriction_v4(address: Ipv4Addr) -> Option<Restricted> {
    let [a, b, c, _] = address.octets();
    let restricted = match (a, b, c) {
        // 0.0.0.0/8: "this network"; connecting to 0.0.0.0 reaches the local host on Linux.
        (0, _, _) => Restricted::Unspecified,
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => Restricted::Private,
        (127, _, _) => Restricted::Loopback,
        (169, 254, _) => Restricted::LinkLocal,
        (100, 64..=127, _) => Restricted::SharedCgnat,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Restricted::Documentation,
        // IETF protocol assignments (incl. NAT64 discovery), benchmarking.
        (192, 0, 0) | (198, 18..=19, _) => Restricted::Reserved,
        (224..=239, _, _) => Restricted::Multicast,
        _ if address == Ipv4Addr::BROADCAST => Restricted::Broadcast,
        (240..=255, _, _) => Restricted::Reserved,
        _ => return None,
    };
    Some(restricted)
}

fn restriction_v6(address: Ipv6Addr) -> Option<Restricted> {
    if address.is_unspecified() {
        return Some(Restricted::Unspecified);
    }
    if address.is_loopback() {
        return Some(Restricted::Loopback);
    }
    if let Some(v4) = embedded_v4(address) {
        return restriction_v4(v4);
    }
    let restricted = match address.segments() {
        [0xfc00..=0xfdff, ..] => Restricted::Private, // unique local fc00::/7 (incl. AWS's fd00:ec2::254)
        [0xfe80..=0xfebf, ..] => Restricted::LinkLocal, // fe80::/10
        [0xfec0..=0xfeff, ..] => Restricted::Private, // deprecated site-local fec0::/10
        [0xff00..=0xffff, ..] => Restricted::Multicast,
        [0x2001, 0x0db8, ..] | [0x3fff, 0..=0x0fff, ..] => Restricted::Documentation,
        // Teredo 2001::/32 hides its IPv4 endpoints; ORCHID and other IETF blocks under 2001::/23.
        [0x2001, 0..=0x01ff, ..] => Restricted::Reserved,
        // 64:ff9b:1::/48 local-use NAT64 translates into private networks by design.
        [0x0064, 0xff9b, ..] => Restricted::Private,
        [0x0100, 0, 0, 0, ..] => Restricted::Reserved, // discard-only 100::/64
        // Everything outside 2000::/3 is unassigned or special.
        [0x2000..=0x3fff, ..] => return None,
        _ => Restricted::Reserved,
    };
    Some(restricted)
}

/// The IPv4 address an IPv6 address delivers to: IPv4-mapped `::ffff:a.b.c.d`, the deprecated
/// IPv4-compatible `::a.b.c.d`, NAT64's well-known prefix `64:ff9b::/96` and 6to4 `2002::/16`.
fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = address.segments();
    let octets = address.octets();
    let tail = Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);
    match segments {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] => Some(tail),
        [0x0064, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        [0x2002, ..] => Some(Ipv4Addr::new(octets[2], octets[3], octets[4], octets[5])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Restricted::*;

    #[test]
    fn every_restricted_range_is_refused_and_public_addresses_pass() {
        let table: &[(&str, Option<Restricted>)] = &[
            ("0.0.0.0", Some(Unspecified)),
            ("0.1.2.3", Some(Unspecified)),
            ("10.0.0.1", Some(Private)),
            ("10.255.255.255", Some(Private)),
            ("172.16.0.1", Some(Private)),
            ("172.31.255.255", Some(Private)),
            ("172.15.255.255", None),
            ("172.32.0.0", None),
            ("192.168.1.1", Some(Private)),
            ("127.0.0.1", Some(Loopback)),
            ("127.255.0.9", Some(Loopback)),
            ("169.254.169.254", Some(LinkLocal)),
            ("169.254.0.1", Some(LinkLocal)),
            ("100.64.0.1", Some(SharedCgnat)),
            ("100.127.255.255", Some(SharedCgnat)),
            ("100.63.255.255", None),
            ("100.128.0.0", None),
            ("255.255.255.255", Some(Broadcast)),
            ("224.0.0.1", Some(Multicast)),
            ("239.255.255.250", Some(Multicast)),
            ("192.0.2.10", Some(Documentation)),
            ("198.51.100.7", Some(Documentation)),
            ("203.0.113.200", Some(Documentation)),
            ("192.0.0.170", Some(Reserved)),
            ("198.18.0.1", Some(Reserved)),
            ("240.0.0.1", Some(Reserved)),
            ("8.8.8.8", None),
            ("1.1.1.1", None),
            ("52.95.110.1", None),
            // IPv6 proper.
            ("::", Some(Unspecified)),
            ("::1", Some(Loopback)),
            ("fc00::1", Some(Private)),
            ("fd00:ec2::254", Some(Private)),
            ("fe80::1", Some(LinkLocal)),
            ("febf::1", Some(LinkLocal)),
            ("fec0::1", Some(Private)),
            ("ff02::1", Some(Multicast)),
            ("2001:db8::1", Some(Documentation)),
            ("3fff::1", Some(Documentation)),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Some(Reserved)),
            ("64:ff9b:1::a00:1", Some(Private)),
            ("100::1", Some(Reserved)),
            ("4000::1", Some(Reserved)),
            ("2606:4700:4700::1111", None),
            ("2a00:1450:4001:80b::200e", None),
            // IPv4 carried in IPv6: judged by the IPv4 address.
            ("::ffff:127.0.0.1", Some(Loopback)),
            ("::ffff:10.1.2.3", Some(Private)),
            ("::ffff:169.254.169.254", Some(LinkLocal)),
            ("::ffff:100.64.0.1", Some(SharedCgnat)),
            ("::ffff:8.8.8.8", None),
            ("::127.0.0.1", Some(Loopback)),
            ("::192.168.0.1", Some(Private)),
            ("::8.8.8.8", None),
            ("64:ff9b::127.0.0.1", Some(Loopback)),
            ("64:ff9b::169.254.169.254", Some(LinkLocal)),
            ("64:ff9b::10.0.0.1", Some(Private)),
            ("64:ff9b::8.8.8.8", None),
            ("2002:7f00:1::", Some(Loopback)),
            ("2002:a9fe:a9fe::1", Some(LinkLocal)),
            ("2002:808:808::1", None),
        ];
        for (text, expected) in table {
            let address: IpAddr = text.parse().unwrap();
            assert_eq!(restriction(address), *expected, "{text}");
        }
    }

    #[test]
    fn reasons_read_as_part_of_a_sentence() {
        assert_eq!(Loopback.to_string(), "a loopback address");
        assert!(LinkLocal.to_string().contains("metadata"));
    }
}
