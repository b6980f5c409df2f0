//! clap's usage errors and help in Bahasa Indonesia. clap has no translations, so errors are
//! written again from their kind and context (the argument, the value, clap's suggestion), and
//! clap's English text is never shown. Help keeps clap's layout with its few English words
//! ("Usage", "[OPTIONS]", "[default: …]", "[possible values: …]") replaced.

use std::io::Write as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The Indonesian report of a usage error: the message, hints and usage, as printed.
pub(crate) fn usage_error(e: &clap::Error) -> String {
    let text = |kind| e.get(kind).map(ContextValue::to_string);
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let arg = arg.trim();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let mut hints = Vec::new();
    let message = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let sub = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            if let Some(s) = text(ContextKind::SuggestedSubcommand) {
                hints.push(format!("maksud Anda `{s}`?"));
            }
            format!("perintah `{sub}` tidak dikenal")
        }
        ErrorKind::UnknownArgument => {
            if let Some(s) = text(ContextKind::SuggestedArg) {
                hints.push(format!("maksud Anda `{s}`?"));
            }
            if clap_suggested_trailing(e) {
                hints.push(format!(
                    "untuk memberikan `{arg}` sebagai nilai, tulis `-- {arg}`"
                ));
            }
            if arg.starts_with('-') {
                format!("opsi `{arg}` tidak dikenal")
            } else {
                format!("argumen `{arg}` berlebih: perintah ini tidak menerimanya")
            }
        }
        ErrorKind::InvalidValue => {
            if let Some(s) = text(ContextKind::SuggestedValue) {
                hints.push(format!("maksud Anda `{s}`?"));
            }
            if let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) {
                hints.push(format!("pilihan: {}", valid.join(", ")));
            }
            if value.is_empty() {
                format!("`{arg}` memerlukan nilai")
            } else {
                format!("nilai `{value}` tidak sah untuk `{arg}`")
            }
        }
        ErrorKind::ValueValidation => {
            if arg.contains("--port") {
                hints.push("tulis bilangan bulat 0 sampai 65535 (0 = dipilih sistem)".into());
            }
            format!("nilai `{value}` tidak sah untuk `{arg}`")
        }
        ErrorKind::MissingRequiredArgument => format!("argumen wajib belum diberikan: {arg}"),
        ErrorKind::ArgumentConflict => {
            let prior = text(ContextKind::PriorArg).unwrap_or_default();
            format!("`{arg}` tidak dapat dipakai bersama `{prior}`")
        }
        ErrorKind::TooManyValues => format!("nilai `{value}` berlebih untuk `{arg}`"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("jumlah nilai untuk `{arg}` tidak sesuai")
        }
        ErrorKind::InvalidUtf8 => "argumen berisi teks yang bukan UTF-8".into(),
        ErrorKind::NoEquals => format!("`{arg}` memerlukan `=` sebelum nilainya"),
        _ => "pemakaian perintah tidak benar".into(),
    };
    let mut out = format!("galat: {message}\n");
    if let Some(usage) = text(ContextKind::Usage) {
        out.push_str(&format!("\n  {}\n", indonesian(usage.trim())));
    }
    for h in hints {
        out.push_str(&format!("  = bantuan: {h}\n"));
    }
    out.push_str(&format!(
        "  = bantuan: jalankan `{} --help` untuk daftar perintah dan opsi\n",
        command_path(e)
    ));
    out
}

/// Whether clap suggested passing the argument after `--` (its suggestion text is English,
/// so only its presence is used).
fn clap_suggested_trailing(e: &clap::Error) -> bool {
    match e.get(ContextKind::Suggested) {
        Some(ContextValue::StyledStrs(s)) => s.iter().any(|s| s.to_string().contains("'-- ")),
        _ => false,
    }
}

/// `sopan build` for an error of `build`: from the usage line, which names the command.
fn command_path(e: &clap::Error) -> String {
    let usage = e
        .get(ContextKind::Usage)
        .map(ContextValue::to_string)
        .unwrap_or_default();
    let words: Vec<&str> = usage
        .split_whitespace()
        .skip_while(|w| *w != "sopan")
        .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    if words.is_empty() {
        "sopan".into()
    } else {
        words.join(" ")
    }
}

/// clap's help or usage with its English words in Bahasa Indonesia.
pub(crate) fn indonesian(text: &str) -> String {
    text.replace("Usage:", "Penggunaan:")
        .replace("[OPTIONS]", "[OPSI]")
        .replace("<COMMAND>", "<PERINTAH>")
        .replace("[default: ", "[bawaan: ")
        .replace("[possible values: ", "[pilihan: ")
}

/// Prints clap's help, version and usage errors, all in Bahasa Indonesia.
pub(crate) fn clap_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = write!(std::io::stdout(), "{}", indonesian(&e.to_string()));
            0
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let _ = write!(std::io::stderr(), "{}", indonesian(&command_help()));
            crate::cmd::EXIT_USAGE
        }
        _ => {
            let _ = write!(std::io::stderr(), "{}", usage_error(&e));
            crate::cmd::EXIT_USAGE
        }
    }
}

/// The top-level help, as printed when no command is given.
fn command_help() -> String {
    use clap::CommandFactory as _;
    crate::cmd::cli::Cli::command().render_help().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::cli::Cli;
    use clap::Parser as _;

    fn report(args: &[&str]) -> String {
        let e = Cli::try_parse_from(args).unwrap_err();
        usage_error(&e)
    }

    /// No English word of clap's may reach the user.
    fn assert_indonesian(r: &str) {
        for english in [
            "unexpected",
            "tip:",
            "Usage",
            "possible values",
            "default:",
            "For more",
            "invalid",
            "found",
            "error: error",
        ] {
            assert!(!r.contains(english), "`{english}` in:\n{r}");
        }
    }

    #[test]
    fn a_misspelt_command_gets_its_correction() {
        let r = report(&["sopan", "bulid"]);
        assert_indonesian(&r);
        assert!(
            r.starts_with("galat: perintah `bulid` tidak dikenal\n"),
            "{r}"
        );
        assert!(r.contains("maksud Anda `build`?"), "{r}");
        assert!(r.contains("Penggunaan: sopan [OPSI] <PERINTAH>"), "{r}");
    }

    #[test]
    fn an_unknown_option_names_itself_and_the_way_to_pass_it_as_a_value() {
        let r = report(&["sopan", "build", "--foo"]);
        assert_indonesian(&r);
        assert!(r.contains("opsi `--foo` tidak dikenal"), "{r}");
        assert!(r.contains("tulis `-- --foo`"), "{r}");
        assert!(r.contains("Penggunaan: sopan build [OPSI] [FOLDER]"), "{r}");
        assert!(r.contains("`sopan build --help`"), "{r}");
        let r = report(&["sopan", "build", "--qiet"]);
        assert!(r.contains("maksud Anda `--quiet`?"), "{r}");
    }

    #[test]
    fn a_value_outside_the_choices_lists_them() {
        let r = report(&["sopan", "diff", "a", "b", "--format", "pdf"]);
        assert_indonesian(&r);
        assert!(
            r.contains("nilai `pdf` tidak sah untuk `--format <BENTUK>`"),
            "{r}"
        );
        assert!(r.contains("pilihan: teks, html, json"), "{r}");
        let r = report(&["sopan", "serve", "--port", "abc"]);
        assert_indonesian(&r);
        assert!(r.contains("0 sampai 65535"), "{r}");
    }

    #[test]
    fn an_extra_argument_and_a_missing_one_are_named() {
        let r = report(&["sopan", "check", "a", "b"]);
        assert_indonesian(&r);
        assert!(r.contains("argumen `b` berlebih"), "{r}");
        let r = report(&["sopan", "new"]);
        assert_indonesian(&r);
        assert!(r.contains("argumen wajib belum diberikan: <ID>"), "{r}");
    }

    #[test]
    fn help_has_no_english_headings() {
        use clap::CommandFactory as _;
        let mut cmd = Cli::command();
        cmd.build();
        for sub in ["build", "diff", "serve", "audit", "new", "init", "check"] {
            let help = indonesian(
                &cmd.find_subcommand_mut(sub)
                    .unwrap()
                    .render_help()
                    .to_string(),
            );
            assert_indonesian(&help);
            assert!(help.contains("Penggunaan: sopan "), "{help}");
        }
    }
}
