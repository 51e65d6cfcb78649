//! Hand-escaped HTML: every value that did not come from this module's own literals goes
//! through [`E`] (text and attribute values alike), and pages are written with `write!`.
//! No template engine: the pages are small, and one escaping rule applied by type is easy to
//! check in review.

use std::fmt::{self, Display, Write};

use ramp_clock::Timestamp;

/// Escapes its text for HTML text and for double-quoted attribute values.
pub struct E<'a>(pub &'a str);

impl Display for E<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// Percent-encodes a value for one path segment or query value of a link.
pub struct U<'a>(pub &'a str);

impl Display for U<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        write!(f, "{}", percent_encoding::utf8_percent_encode(self.0, SET))
    }
}

/// A page being written. `write!` into it cannot fail (it is a `String`), so the results of
/// `write!` are ignored through [`Html::put`].
#[derive(Default)]
pub struct Html(pub String);

impl Html {
    pub fn put(&mut self, args: fmt::Arguments<'_>) {
        let _ = self.0.write_fmt(args);
    }

    pub fn raw(&mut self, text: &str) {
        self.0.push_str(text);
    }
}

/// `put!(html, "…{}…", E(x))`: writes to an [`Html`].
macro_rules! put {
    ($html:expr, $($arg:tt)*) => { $html.put(format_args!($($arg)*)) };
}
pub(crate) use put;

/// What every page's frame needs to know.
pub struct Frame<'a> {
    pub title: &'a str,
    /// The region the page shows (its links keep it), if any.
    pub region: Option<&'a str>,
    /// The CSRF token forms carry; `None` on the login page.
    pub csrf: Option<&'a str>,
    /// A logged-in session (shows the sign-out button).
    pub signed_in: bool,
}

/// The page around `body`: head, navigation, `<main>`.
pub fn page(frame: &Frame<'_>, body: &str) -> String {
    let mut h = Html::default();
    h.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    put!(h, "<title>{} · ramp</title>", E(frame.title));
    // No icon to fetch: a browser's request for /favicon.ico would be a 404 in its console.
    h.raw("<link rel=\"icon\" href=\"data:,\">");
    h.raw("<link rel=\"stylesheet\" href=\"/_ramp/ui/assets/app.css\">");
    h.raw("<script src=\"/_ramp/ui/assets/app.js\" defer></script>");
    if let Some(csrf) = frame.csrf {
        put!(h, "<meta name=\"csrf-token\" content=\"{}\">", E(csrf));
    }
    h.raw("</head><body><header class=\"top\"><a class=\"brand\" href=\"/_ramp/ui/\">ramp</a>");
    if let Some(region) = frame.region {
        let r = U(region);
        h.raw("<nav aria-label=\"Sections\"><ul>");
        put!(h, "<li><a href=\"/_ramp/ui/{r}/\">Applications</a></li>");
        put!(h, "<li><a href=\"/_ramp/ui/{r}/strategies\">Strategies</a></li>");
        put!(h, "<li><a href=\"/_ramp/ui/{r}/alarms\">Alarms</a></li>");
        put!(h, "<li><a href=\"/_ramp/ui/{r}/amplify\">Amplify</a></li>");
        put!(h, "<li><a href=\"/_ramp/ui/{r}/engine\">Engine</a></li>");
        h.raw("</ul></nav>");
        put!(
            h,
            "<form class=\"region\" method=\"get\" action=\"/_ramp/ui/\"><label for=\"region-input\">Region</label> \
             <input id=\"region-input\" name=\"region\" value=\"{}\" size=\"12\" autocomplete=\"off\"> \
             <button type=\"submit\">Go</button></form>",
            E(region)
        );
    }
    if frame.signed_in
        && let Some(csrf) = frame.csrf
    {
        put!(
            h,
            "<form class=\"logout\" method=\"post\" action=\"/_ramp/ui/logout\">{}<button type=\"submit\">Sign out</button></form>",
            csrf_field(csrf)
        );
    }
    put!(h, "</header><main id=\"main\"><h1>{}</h1>", E(frame.title));
    // Where the script announces what a live update changed (the updated parts themselves are
    // replaced whole, which screen readers would read out entirely, or not at all).
    h.raw("<div id=\"live-status\" class=\"sr-only\" role=\"status\" aria-live=\"polite\"></div>");
    h.raw(body);
    h.raw("</main></body></html>\n");
    h.0
}

/// The hidden field every state-changing form carries.
pub fn csrf_field(csrf: &str) -> String {
    format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", E(csrf))
}

/// `2026-12-07 04:30:12Z`: ISO 8601 without the `T` and milliseconds, easier to read in a table.
pub fn time(t: Timestamp) -> String {
    let iso = t.to_iso8601();
    let mut text = iso.replacen('T', " ", 1);
    if let Some(dot) = text.find('.') {
        text.truncate(dot);
        text.push('Z');
    }
    text
}

/// A `<time>` element with the exact instant in `datetime`.
pub fn time_el(t: Timestamp) -> String {
    format!("<time datetime=\"{}\">{}</time>", E(&t.to_iso8601()), E(&time(t)))
}

/// A state as a badge whose colour class follows what the state means.
pub fn badge(state: &str) -> String {
    let tone = match state {
        "COMPLETE" | "READY_FOR_DEPLOYMENT" | "OK" | "SUCCEED" => "good",
        "DEPLOYING" | "BAKING" | "VALIDATING" | "PENDING" | "RUNNING" | "PROVISIONING" => "busy",
        "ROLLING_BACK" | "ROLLED_BACK" | "ALARM" | "FAILED" => "bad",
        _ => "neutral",
    };
    format!("<span class=\"badge {tone}\">{}</span>", E(state))
}

/// `12.5` → `12.5 %`, `100` → `100 %`.
pub fn percent(p: f64) -> String {
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0} %")
    } else {
        format!("{p:.2} %")
    }
}

/// A message box: `kind` is `error` or `notice`.
pub fn message(kind: &str, text: &str) -> String {
    let role = if kind == "error" { "alert" } else { "status" };
    format!("<p class=\"msg {kind}\" role=\"{role}\">{}</p>", E(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            E("<a href=\"x\">'&'</a>").to_string(),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(E("plain").to_string(), "plain");
    }

    #[test]
    fn encodes_link_segments() {
        assert_eq!(U("a b/c?d").to_string(), "a%20b%2Fc%3Fd");
    }

    #[test]
    fn formats_percentages() {
        assert_eq!(percent(25.0), "25 %");
        assert_eq!(percent(12.5), "12.50 %");
    }
}
