//! The suite's cases: each request, its canonical request and its published signature.

use http::Method;

use super::{AMZ_DATE, Case, DATE, HOST, UNRESERVED};

pub(super) fn get(
    name: &'static str,
    path: &'static str,
    canonical_uri: &'static str,
    signature: &'static str,
) -> Case {
    Case {
        name,
        method: Method::GET,
        path,
        query: &[],
        headers: &[HOST, DATE],
        body: "",
        canonical_request: leak(format!(
            "GET\n{canonical_uri}\n\nhost:example.amazonaws.com\nx-amz-date:{AMZ_DATE}\n\nhost;x-amz-date"
        )),
        signature,
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

pub(super) fn cases() -> Vec<Case> {
    let vanilla = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    let unreserved = UNRESERVED;
    let plain = |method: &str, query: &str, extra: &str, signed: &str| {
        leak(format!(
            "{method}\n/\n{query}\nhost:example.amazonaws.com\n{extra}x-amz-date:{AMZ_DATE}\n\n{signed}"
        ))
    };
    vec![
        get("get-vanilla", "/", "/", vanilla),
        get(
            "get-unreserved",
            leak(format!("/{unreserved}")),
            leak(format!("/{unreserved}")),
            "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
        ),
        get(
            "get-utf8",
            "/ሴ",
            "/%E1%88%B4",
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
        ),
        get(
            "get-space",
            "/example space/",
            "/example%20space/",
            "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741",
        ),
        get("get-slash-dot-slash", "/./", "/", vanilla),
        get(
            "get-slash-pointless-dot",
            "/./example",
            "/example",
            "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5",
        ),
        get("get-relative-relative", "/example1/example2/../..", "/", vanilla),
        get(
            "get-slashes",
            "//example//",
            "/example/",
            "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84",
        ),
        Case {
            query: &[("Param2", "value2"), ("Param1", "value1")],
            canonical_request: plain("GET", "Param1=value1&Param2=value2", "", "host;x-amz-date"),
            ..get(
                "get-vanilla-query-order-key-case",
                "/",
                "/",
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
            )
        },
        Case {
            query: &[("Param1", "value1")],
            canonical_request: plain("GET", "Param1=value1", "", "host;x-amz-date"),
            ..get(
                "get-vanilla-empty-query-key",
                "/",
                "/",
                "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb",
            )
        },
        Case {
            query: &[("ሴ", "bar")],
            canonical_request: plain("GET", "%E1%88%B4=bar", "", "host;x-amz-date"),
            ..get(
                "get-vanilla-utf8-query",
                "/",
                "/",
                "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
            )
        },
        Case {
            query: &[(UNRESERVED, UNRESERVED)],
            canonical_request: plain("GET", leak(format!("{unreserved}={unreserved}")), "", "host;x-amz-date"),
            ..get(
                "get-vanilla-query-unreserved",
                "/",
                "/",
                "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
            )
        },
        Case {
            headers: &[HOST, ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""), DATE],
            canonical_request: plain(
                "GET",
                "",
                "my-header1:value1\nmy-header2:\"a b c\"\n",
                "host;my-header1;my-header2;x-amz-date",
            ),
            ..get(
                "get-header-value-trim",
                "/",
                "/",
                "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
            )
        },
        Case {
            headers: &[
                HOST,
                ("My-Header1", "value2"),
                ("My-Header1", "value2"),
                ("My-Header1", "value1"),
                DATE,
            ],
            canonical_request: plain(
                "GET",
                "",
                "my-header1:value2,value2,value1\n",
                "host;my-header1;x-amz-date",
            ),
            ..get(
                "get-header-key-duplicate",
                "/",
                "/",
                "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
            )
        },
        Case {
            headers: &[
                HOST,
                ("My-Header1", "value4"),
                ("My-Header1", "value1"),
                ("My-Header1", "value3"),
                ("My-Header1", "value2"),
                DATE,
            ],
            canonical_request: plain(
                "GET",
                "",
                "my-header1:value4,value1,value3,value2\n",
                "host;my-header1;x-amz-date",
            ),
            ..get(
                "get-header-value-order",
                "/",
                "/",
                "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01",
            )
        },
        Case {
            method: Method::POST,
            canonical_request: plain("POST", "", "", "host;x-amz-date"),
            ..get(
                "post-header-key-case",
                "/",
                "/",
                "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
            )
        },
        Case {
            method: Method::POST,
            headers: &[HOST, ("My-Header1", "VALUE1"), DATE],
            canonical_request: plain("POST", "", "my-header1:VALUE1\n", "host;my-header1;x-amz-date"),
            ..get(
                "post-header-value-case",
                "/",
                "/",
                "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
            )
        },
        Case {
            method: Method::POST,
            query: &[("Param1", "value1")],
            canonical_request: plain("POST", "Param1=value1", "", "host;x-amz-date"),
            ..get(
                "post-vanilla-query",
                "/",
                "/",
                "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
            )
        },
        Case {
            method: Method::POST,
            headers: &[("Content-Type", "application/x-www-form-urlencoded"), HOST, DATE],
            body: "Param1=value1",
            canonical_request: "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\n\
                host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date",
            ..get(
                "post-x-www-form-urlencoded",
                "/",
                "/",
                "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            )
        },
        Case {
            method: Method::POST,
            headers: &[
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf8"),
                HOST,
                DATE,
            ],
            body: "Param1=value1",
            canonical_request: "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf8\n\
                host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date",
            ..get(
                "post-x-www-form-urlencoded-parameters",
                "/",
                "/",
                "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe",
            )
        },
    ]
}
