//! Reading the files and arguments a command names, with errors that say
//! which file (and line) is at fault.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

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

/// The content of `path` (or standard input) as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let line = e
            .as_bytes()
            .get(..e.utf8_error().valid_up_to())
            .map_or(0, |valid| valid.iter().filter(|&&b| b == b'\n').count())
            .saturating_add(1);
        InputError::new(format!("{}:{line}: not UTF-8 text", display_name(path)))
    })
}
