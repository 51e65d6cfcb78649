//! `ramp serve --config FILE`: every `serve` flag, by its long name, in a TOML file.
//!
//! The file is turned into command-line arguments added to the ones the user typed, leaving out
//! every key whose flag was typed or whose `RAMP_*` variable is set, so the precedence is:
//! flags, then variables, then the file, then the defaults. Each value is checked on its own
//! first, so a bad one is reported with the key and the file that hold it, not as a flag the
//! user never typed.

use std::ffi::OsString;
use std::path::Path;

use anyhow::{Context, bail};
use clap::{Arg, ArgAction, Command};

/// The file's settings as `serve` arguments, for the `serve` command `command`, leaving out
/// the flags in `typed`.
pub fn arguments(path: &Path, command: &Command, typed: &[OsString]) -> anyhow::Result<Vec<OsString>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading the config file {}", path.display()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!("{}: not valid TOML: {}", path.display(), e.message().trim_end())
            .context(location_hint(&text, e.span()))
    })?;
    let mut args = Vec::new();
    for (key, value) in &table {
        let arg = find_arg(command, key).map_err(|message| anyhow::anyhow!("{}: {message}", path.display()))?;
        let flag = format!("--{}", arg.get_long().unwrap_or(key));
        let set_by_variable = arg.get_env().is_some_and(|name| std::env::var_os(name).is_some());
        if set_by_variable || was_typed(typed, &flag) {
            continue;
        }
        let values = render(arg, key, value).map_err(|message| anyhow::anyhow!("{}: {message}", path.display()))?;
        let these: Vec<OsString> = values
            .into_iter()
            .map(|v| OsString::from(format!("{flag}{v}")))
            .collect();
        check_value(command, key, &these).map_err(|message| anyhow::anyhow!("{}: {message}", path.display()))?;
        args.extend(these);
    }
    Ok(args)
}

/// Whether `--flag` or `--flag=…` is among the typed arguments.
fn was_typed(typed: &[OsString], flag: &str) -> bool {
    typed.iter().any(|arg| {
        let arg = arg.to_string_lossy();
        arg == flag || arg.strip_prefix(flag).is_some_and(|rest| rest.starts_with('='))
    })
}

/// `parse error at line 3` from the byte span TOML's error gives.
fn location_hint(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else {
        return "in the config file".to_owned();
    };
    let line = text.get(..span.start).map_or(1, |before| before.lines().count().max(1));
    format!("at line {line} of the config file")
}

/// The `serve` argument a key names: its long flag, with `_` or `-` between words.
fn find_arg<'c>(command: &'c Command, key: &str) -> Result<&'c Arg, String> {
    let long = key.replace('_', "-");
    if long == "config" {
        return Err("`config` cannot be set in the config file itself".to_owned());
    }
    command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(long.as_str()))
        .ok_or_else(|| {
            let suggestion = command
                .get_arguments()
                .filter_map(Arg::get_long)
                .filter(|known| *known != "config")
                .map(|known| (strsim::jaro_winkler(known, &long), known))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, known)| format!(" (did you mean `{known}`?)"))
                .unwrap_or_default();
            format!("unknown setting `{key}`{suggestion}; the settings are `ramp serve`'s flags (ramp serve --help)")
        })
}

/// A TOML value as the suffixes of `--flag` arguments: `=value` per value, or `""` for a
/// switch that is on (`insecure = true` is `--insecure`; `false` adds nothing).
fn render(arg: &Arg, key: &str, value: &toml::Value) -> Result<Vec<String>, String> {
    if matches!(arg.get_action(), ArgAction::SetTrue) {
        return match value {
            toml::Value::Boolean(true) => Ok(vec![String::new()]),
            toml::Value::Boolean(false) => Ok(Vec::new()),
            other => Err(format!("`{key}` must be true or false, not {}", describe(other))),
        };
    }
    let many = matches!(arg.get_action(), ArgAction::Append);
    match value {
        toml::Value::Array(items) if many => items
            .iter()
            .map(|item| scalar(key, item).map(|text| format!("={text}")))
            .collect(),
        toml::Value::Array(_) => Err(format!("`{key}` takes one value, not a list")),
        other => Ok(vec![format!("={}", scalar(key, other)?)]),
    }
}

fn scalar(key: &str, value: &toml::Value) -> Result<String, String> {
    match value {
        toml::Value::String(text) => Ok(text.clone()),
        toml::Value::Integer(n) => Ok(n.to_string()),
        toml::Value::Float(x) => Ok(x.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        other => Err(format!(
            "`{key}` must be a string, a number or a boolean, not {}",
            describe(other)
        )),
    }
}

fn describe(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

/// Parses `args` alone, so that a bad value is reported with the key it came from. Errors
/// about other flags (one that `requires` another, say) are left to the full parse.
fn check_value(command: &Command, key: &str, args: &[OsString]) -> Result<(), String> {
    use clap::error::ErrorKind;
    let argv = std::iter::once(OsString::from("serve")).chain(args.iter().cloned());
    match command.clone().try_get_matches_from(argv) {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.kind(), ErrorKind::ValueValidation | ErrorKind::InvalidValue) => {
            let reason = e
                .get(clap::error::ContextKind::InvalidValue)
                .map(|value| format!("'{value}' is not a valid value"))
                .unwrap_or_else(|| "invalid value".to_owned());
            let detail = std::error::Error::source(&e)
                .map(|source| format!(": {source}"))
                .unwrap_or_default();
            let valid = match e.get(clap::error::ContextKind::ValidValue) {
                Some(clap::error::ContextValue::Strings(values)) => format!(" (one of: {})", values.join(", ")),
                _ => String::new(),
            };
            Err(format!("`{key}`: {reason}{detail}{valid}"))
        }
        Err(_) => Ok(()),
    }
}

/// The whole command line with the file's arguments inserted right after `serve`, when
/// `serve` has `--config` (or `RAMP_CONFIG`).
pub fn expand(argv: Vec<OsString>, serve: &Command, config: Option<&Path>) -> anyhow::Result<Vec<OsString>> {
    let Some(path) = config else {
        return Ok(argv);
    };
    let Some(at) = argv.iter().position(|arg| arg == "serve") else {
        bail!("--config applies to `ramp serve`");
    };
    let file_args = arguments(path, serve, &argv[at + 1..])?;
    let mut expanded = argv;
    expanded.splice(at + 1..at + 1, file_args);
    Ok(expanded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve() -> Command {
        Command::new("serve")
            .arg(Arg::new("listen").long("listen").default_value("127.0.0.1:4566"))
            .arg(
                Arg::new("time-scale")
                    .long("time-scale")
                    .value_parser(clap::value_parser!(f64)),
            )
            .arg(Arg::new("insecure").long("insecure").action(ArgAction::SetTrue))
            .arg(
                Arg::new("source-buckets")
                    .long("source-buckets")
                    .action(ArgAction::Append),
            )
            .arg(
                Arg::new("step-timing")
                    .long("step-timing")
                    .value_parser(["observed", "documented"]),
            )
    }

    fn args_of(toml_text: &str) -> Result<Vec<String>, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join("ramp.toml");
        std::fs::write(&path, toml_text).map_err(|e| e.to_string())?;
        arguments(&path, &serve(), &[])
            .map(|args| args.into_iter().map(|a| a.to_string_lossy().into_owned()).collect())
            .map_err(|e| format!("{e:#}"))
    }

    #[test]
    fn keys_become_flags() {
        let args =
            args_of("listen = \"0.0.0.0:1\"\ntime_scale = 60\ninsecure = true\nsource-buckets = [\"a\", \"b\"]\n");
        assert_eq!(
            args,
            Ok(vec![
                "--insecure".to_owned(),
                "--listen=0.0.0.0:1".to_owned(),
                "--source-buckets=a".to_owned(),
                "--source-buckets=b".to_owned(),
                "--time-scale=60".to_owned(),
            ])
        );
        assert_eq!(args_of("insecure = false\n"), Ok(vec![]));
    }

    #[test]
    fn errors_name_the_key() {
        let unknown = args_of("lisen = \"x\"\n").unwrap_err();
        assert!(
            unknown.contains("unknown setting `lisen`") && unknown.contains("did you mean `listen`"),
            "{unknown}"
        );
        let bad_number = args_of("time-scale = \"fast\"\n").unwrap_err();
        assert!(
            bad_number.contains("`time-scale`") && bad_number.contains("'fast'"),
            "{bad_number}"
        );
        let bad_choice = args_of("step_timing = \"sometimes\"\n").unwrap_err();
        assert!(
            bad_choice.contains("`step_timing`") && bad_choice.contains("observed"),
            "{bad_choice}"
        );
        let not_bool = args_of("insecure = \"yes\"\n").unwrap_err();
        assert!(not_bool.contains("`insecure` must be true or false"), "{not_bool}");
        let list = args_of("listen = [\"a\"]\n").unwrap_err();
        assert!(list.contains("`listen` takes one value"), "{list}");
        let table = args_of("[listen]\nx = 1\n").unwrap_err();
        assert!(table.contains("not a table") || table.contains("a table"), "{table}");
        let syntax = args_of("listen = \n").unwrap_err();
        assert!(
            syntax.contains("not valid TOML") && syntax.contains("line 1"),
            "{syntax}"
        );
        let itself = args_of("config = \"other.toml\"\n").unwrap_err();
        assert!(itself.contains("`config` cannot be set"), "{itself}");
    }

    #[test]
    fn flags_typed_later_win() {
        let argv: Vec<OsString> = ["ramp", "serve", "--listen", "127.0.0.1:9"]
            .map(OsString::from)
            .to_vec();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ramp.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:1\"\nsource-buckets = [\"a\"]\n").expect("write");
        let expanded = expand(argv, &serve(), Some(&path)).expect("expand");
        let matches = serve()
            .try_get_matches_from(expanded.into_iter().skip(1))
            .expect("parse");
        assert_eq!(
            matches.get_one::<String>("listen").map(String::as_str),
            Some("127.0.0.1:9")
        );
        let buckets: Vec<&String> = matches
            .get_many::<String>("source-buckets")
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(buckets, vec!["a"]);

        // A list typed on the command line replaces the file's.
        let argv: Vec<OsString> = ["ramp", "serve", "--source-buckets", "c"].map(OsString::from).to_vec();
        let expanded = expand(argv, &serve(), Some(&path)).expect("expand");
        let matches = serve()
            .try_get_matches_from(expanded.into_iter().skip(1))
            .expect("parse");
        let buckets: Vec<&String> = matches
            .get_many::<String>("source-buckets")
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(buckets, vec!["c"]);
    }

    /// ramp.example.toml, uncommented, is a valid file naming every `serve` flag.
    #[test]
    fn the_example_file_names_every_flag_and_is_valid() {
        use clap::CommandFactory;
        let example = include_str!("../../../ramp.example.toml");
        let settings: Vec<&str> = example
            .lines()
            .filter_map(|line| line.strip_prefix("# "))
            .filter(|line| {
                line.split_once(" = ").is_some_and(|(key, _)| {
                    key.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                })
            })
            .collect();
        let command = crate::Cli::command();
        let serve = command.find_subcommand("serve").expect("serve");
        for arg in serve.get_arguments().filter_map(Arg::get_long) {
            if !matches!(arg, "config" | "help") {
                assert!(
                    settings.iter().any(|line| line.starts_with(&format!("{arg} = "))),
                    "ramp.example.toml lacks `{arg}`"
                );
            }
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ramp.toml");
        std::fs::write(&path, settings.join("\n")).expect("write");
        let args = arguments(&path, serve, &[]).expect("the example is valid");
        assert!(args.len() > 40, "{args:?}");
    }
}
