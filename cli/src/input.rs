//! Reading the files and arguments a command names, with errors that say
//! which file (and line) is at fault.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

use mxtrust_report::tlsa_text::Record;

/// Input the tool cannot use: a missing or unreadable file, malformed
/// records, an argument core rejects. Exit status 2.
#[derive(Debug)]
pub struct InputError(String);

impl InputError {
    /// An error with this message, shown as `mxtrust: <message>`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// How a path appears in messages: `-` is standard input.
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The whole content of `path`, or of standard input for `-`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, InputError> {
    let result = if is_stdin(path) {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    result.map_err(|e| InputError::new(format!("{}: {e}", display_name(path))))
}

/// The certificates in `path` (PEM, `s_client` output or DER), as DER.
///
/// # Errors
///
/// An unreadable file, or what the reader says, prefixed with the file.
pub fn certificates(path: &Path) -> Result<Vec<Vec<u8>>, InputError> {
    let bytes = read_bytes(path)?;
    mxtrust_report::pem::certificates(&bytes)
        .map_err(|e| InputError::new(e.in_input(&display_name(path))))
}

/// Records from `--tlsa` arguments (numbered from 1), then from each file.
///
/// # Errors
///
/// The first record that does not parse, or a file that cannot be read.
pub fn tlsa_records<P: AsRef<Path>>(
    arguments: &[String],
    files: &[P],
) -> Result<Vec<Record>, InputError> {
    let mut records = Vec::new();
    for (i, text) in arguments.iter().enumerate() {
        let source = format!("--tlsa {}", i.saturating_add(1));
        records.push(
            Record::parse(text, source.clone())
                .map_err(|e| InputError::new(format!("{source}: {e}")))?,
        );
    }
    for path in files {
        let path = path.as_ref();
        let name = display_name(path);
        let bytes = read_bytes(path)?;
        let text = mxtrust_report::text(&bytes).map_err(|e| InputError::new(e.in_input(&name)))?;
        records.extend(
            mxtrust_report::tlsa_text::records(text, &name)
                .map_err(|e| InputError::new(e.in_input(&name)))?,
        );
    }
    Ok(records)
}
