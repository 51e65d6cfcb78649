//! [`Planner`]: decides, from names alone and before any content is read, what each entry of a
//! deploy becomes, so a bad name fails the job before a byte is inflated or stored.

use std::collections::{BTreeSet, HashMap};

use super::IngestLimits;
use super::error::{IngestError, Name, Origin};
use super::paths::{SitePath, site_path};

/// Names of the artifact's own custom headers file at the root (spec amplify.md §8.5): the
/// documented `customHttp.yml` and the `customHeaders.yaml` of the newer cache docs, taken as
/// an alias. When both are present the documented name wins and the job log says so.
pub const CUSTOM_HEADERS_FILES: [&str; 2] = ["customHttp.yml", "customHeaders.yaml"];

/// What one entry becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// A file served at this site path.
    Site(String),
    /// A custom headers file (which one: the report's `custom_headers` says which is used):
    /// read into the manifest, not served.
    CustomHeaders(&'static str),
    /// A directory, macOS metadata, or the alias custom headers file when both are present.
    Skip,
}

/// Checks every name of a deploy in turn.
///
/// Duplicate policy: two names that normalize to the same site path (`a.html`, `./a.html`,
/// `a\a.html` and `a/a.html`) refuse the deploy, naming both, because which one "wins" would
/// depend on an order the uploader never chose. Names that differ only in case (`Logo.png`,
/// `logo.png`) are different files, as in S3 where AWS serves them from and in URLs, so both
/// are kept, with a warning in the job log since such a site cannot be unpacked on macOS or
/// Windows. Unicode normalization is not applied either (NFC and NFD spellings are different
/// paths); only the byte-identical comparison counts.
pub(crate) struct Planner<'a> {
    origin: Origin,
    limits: &'a IngestLimits,
    /// Site path → the raw name that produced it.
    seen: HashMap<String, String>,
    /// Lowercased site path → the first site path with that spelling.
    folded: HashMap<String, String>,
    case_collisions: Vec<(String, String)>,
    junk: u64,
    custom_headers: Option<&'static str>,
    root_directories: BTreeSet<String>,
    log: Vec<String>,
}

/// Warnings and counts the plan leaves for the job log.
#[derive(Debug)]
pub(crate) struct PlanReport {
    pub custom_headers: Option<&'static str>,
    pub log: Vec<String>,
}

/// At most this many case collisions are listed in the job log one by one.
const LISTED_COLLISIONS: usize = 5;

impl<'a> Planner<'a> {
    pub(crate) fn new(origin: Origin, limits: &'a IngestLimits) -> Planner<'a> {
        Planner {
            origin,
            limits,
            seen: HashMap::new(),
            folded: HashMap::new(),
            case_collisions: Vec::new(),
            junk: 0,
            custom_headers: None,
            root_directories: BTreeSet::new(),
            log: Vec::new(),
        }
    }

    /// Decides what the entry named `raw` becomes.
    pub(crate) fn place(&mut self, raw: &str) -> Result<Role, IngestError> {
        let path = match site_path(raw, self.limits) {
            Ok(SitePath::File(path)) => path,
            Ok(SitePath::Directory) => return Ok(Role::Skip),
            Ok(SitePath::Junk) => {
                self.junk += 1;
                return Ok(Role::Skip);
            }
            Err(reason) => {
                return Err(IngestError::Path {
                    origin: self.origin,
                    name: raw.into(),
                    reason,
                });
            }
        };
        if let Some(first) = self.seen.insert(path.clone(), raw.to_owned()) {
            return Err(IngestError::Duplicate {
                origin: self.origin,
                name: raw.into(),
                first: Name(first),
            });
        }
        if let Some(role) = self.custom_headers_role(&path) {
            return Ok(role);
        }
        self.note_case(&path);
        if let Some((directory, _)) = path.split_once('/') {
            self.root_directories.insert(directory.to_owned());
        }
        Ok(Role::Site(path))
    }

    fn custom_headers_role(&mut self, path: &str) -> Option<Role> {
        let [documented, alias] = CUSTOM_HEADERS_FILES;
        if path != documented && path != alias {
            return None;
        }
        let name = if path == documented { documented } else { alias };
        let role = match self.custom_headers {
            Some(_) if name == alias => Role::Skip,
            _ => {
                self.custom_headers = Some(name);
                Role::CustomHeaders(name)
            }
        };
        if self.seen.contains_key(documented) && self.seen.contains_key(alias) {
            self.log.push(format!(
                "[WARNING]: Both {documented} and {alias} are at the root; using {documented} and ignoring {alias}"
            ));
        }
        Some(role)
    }

    fn note_case(&mut self, path: &str) {
        let folded = path.to_lowercase();
        match self.folded.get(&folded) {
            Some(first) => self.case_collisions.push((first.clone(), path.to_owned())),
            None => {
                self.folded.insert(folded, path.to_owned());
            }
        }
    }

    /// The job log's account of the plan.
    pub(crate) fn finish(mut self) -> PlanReport {
        if self.junk > 0 {
            self.log.push(format!(
                "[INFO]: Skipped {} macOS metadata entries (__MACOSX/, .DS_Store)",
                self.junk
            ));
        }
        for (first, second) in self.case_collisions.iter().take(LISTED_COLLISIONS) {
            self.log.push(format!(
                "[WARNING]: `{}` and `{}` differ only in case; both are deployed as different files",
                first.escape_debug(),
                second.escape_debug()
            ));
        }
        if self.case_collisions.len() > LISTED_COLLISIONS {
            self.log.push(format!(
                "[WARNING]: {} more paths differ from another only in case",
                self.case_collisions.len() - LISTED_COLLISIONS
            ));
        }
        self.warn_about_a_wrapping_folder();
        PlanReport {
            custom_headers: self.custom_headers,
            log: self.log,
        }
    }

    /// Spec §6.5: zipping the build folder instead of its contents leaves the site root empty.
    /// AWS does not strip the folder, and neither does ramp, but the log says what happened.
    fn warn_about_a_wrapping_folder(&mut self) {
        let has_root_index = self.seen.contains_key("index.html");
        if let (false, Some(folder), 1) = (
            has_root_index,
            self.root_directories.first(),
            self.root_directories.len(),
        ) {
            self.log.push(format!(
                "[WARNING]: The root has no index.html and one folder, `{}/`; zip the folder's contents, \
                 not the folder itself, or the site will answer 404 at /",
                folder.escape_debug()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(names: &[&str]) -> Result<(Vec<Role>, PlanReport), IngestError> {
        let limits = IngestLimits::default();
        let mut planner = Planner::new(Origin::Archive, &limits);
        let roles = names
            .iter()
            .map(|name| planner.place(name))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((roles, planner.finish()))
    }

    fn site(path: &str) -> Role {
        Role::Site(path.to_owned())
    }

    #[test]
    fn names_become_roles() {
        let (roles, report) =
            plan(&["index.html", "assets/", "assets/a.js", "__MACOSX/._a", "customHttp.yml"]).unwrap();
        assert_eq!(
            roles,
            [
                site("index.html"),
                Role::Skip,
                site("assets/a.js"),
                Role::Skip,
                Role::CustomHeaders("customHttp.yml")
            ]
        );
        assert_eq!(report.custom_headers, Some("customHttp.yml"));
        assert_eq!(
            report.log,
            ["[INFO]: Skipped 1 macOS metadata entries (__MACOSX/, .DS_Store)"]
        );
    }

    #[test]
    fn the_same_path_twice_is_refused_naming_both_spellings() {
        let error = plan(&["a/b.html", "a\\b.html"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the archive holds `a\\\\b.html` twice (first as `a/b.html`)"
        );
        let error = plan(&["x.css", "./x.css"]).unwrap_err();
        assert!(matches!(error, IngestError::Duplicate { .. }), "{error}");
        assert!(plan(&["x.css", "x.css"]).is_err());
    }

    #[test]
    fn names_differing_in_case_are_kept_with_a_warning() {
        let (roles, report) = plan(&["Logo.png", "logo.png"]).unwrap();
        assert_eq!(roles, [site("Logo.png"), site("logo.png")]);
        assert_eq!(
            report.log,
            ["[WARNING]: `Logo.png` and `logo.png` differ only in case; both are deployed as different files"]
        );
    }

    #[test]
    fn the_alias_custom_headers_file_yields_to_the_documented_one() {
        let (roles, report) = plan(&["customHeaders.yaml", "customHttp.yml"]).unwrap();
        assert_eq!(
            roles,
            [
                Role::CustomHeaders("customHeaders.yaml"),
                Role::CustomHeaders("customHttp.yml")
            ]
        );
        assert_eq!(report.custom_headers, Some("customHttp.yml"));
        let (roles, report) = plan(&["customHttp.yml", "customHeaders.yaml"]).unwrap();
        assert_eq!(roles, [Role::CustomHeaders("customHttp.yml"), Role::Skip]);
        assert_eq!(report.custom_headers, Some("customHttp.yml"));
        assert!(report.log[0].starts_with("[WARNING]: Both customHttp.yml and customHeaders.yaml"));
        // Only at the root.
        let (roles, report) = plan(&["docs/customHttp.yml"]).unwrap();
        assert_eq!(roles, [site("docs/customHttp.yml")]);
        assert_eq!(report.custom_headers, None);
    }

    #[test]
    fn a_single_wrapping_folder_without_index_is_warned_about() {
        let (_, report) = plan(&["dist/index.html", "dist/a.js"]).unwrap();
        assert_eq!(report.log.len(), 1);
        assert!(report.log[0].contains("one folder, `dist/`"), "{}", report.log[0]);
        for fine in [
            &["index.html", "dist/a.js"][..],
            &["a/x.html", "b/y.html"],
            &["404.html"],
        ] {
            assert!(plan(fine).unwrap().1.log.is_empty(), "{fine:?}");
        }
    }
}
