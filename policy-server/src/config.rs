//! The TOML configuration.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The whole configuration; every field but `cache_file` has a default.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Postfix's socketmap listener.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The map name Postfix asks for (`socketmap:inet:HOST:PORT:NAME`).
    #[serde(default = "default_map_name")]
    pub map_name: String,
    /// The one-line listener for Exim's `${readsocket}` (off when absent).
    pub line_listen: Option<SocketAddr>,
    /// Where the cache image lives (the directory must be writable by the
    /// server only: the image is checksummed, not authenticated).
    pub cache_file: PathBuf,
    /// How many domains the cache holds.
    #[serde(default = "default_capacity")]
    pub capacity: usize,
    /// The shared backend for fleets (`redis://HOST:PORT/DB`); the file is
    /// kept as well.
    pub redis_url: Option<String>,
    /// The prefix of the backend's keys.
    #[serde(default = "default_redis_prefix")]
    pub redis_prefix: String,
    /// The DNS resolver (default: the first nameserver in /etc/resolv.conf).
    pub resolver: Option<SocketAddr>,
    /// Take the resolver's AD bit as the DNSSEC status (a validating
    /// resolver on this machine) instead of validating locally.
    #[serde(default)]
    pub trust_ad: bool,
    /// Trust anchors (DS lines) for local validation instead of the root's.
    pub trust_anchor: Option<PathBuf>,
    /// Roots for policy hosts (PEM) instead of Mozilla's (tests).
    pub ca_file: Option<PathBuf>,
    /// Connections served at once; more wait to be accepted.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// How long a lookup for a domain with nothing known may take before
    /// the answer is TEMP (Postfix waits 100 s for a socketmap reply).
    #[serde(default = "default_lookup_timeout")]
    pub lookup_timeout_secs: u64,
    /// Policies are refreshed this long before they expire.
    #[serde(default = "default_refresh_window")]
    pub refresh_window_secs: u64,
    /// How long a DANE or no-policy finding, and a TXT id check, is reused.
    #[serde(default = "default_recheck")]
    pub recheck_secs: u64,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8461))
}
fn default_redis_prefix() -> String {
    "mxtrust-sts:".to_owned()
}
fn default_map_name() -> String {
    "mta-sts".to_owned()
}
fn default_capacity() -> usize {
    50_000
}
fn default_max_connections() -> usize {
    256
}
fn default_lookup_timeout() -> u64 {
    20
}
fn default_refresh_window() -> u64 {
    86_400
}
fn default_recheck() -> u64 {
    300
}

impl Config {
    /// Reads and checks a configuration file.
    ///
    /// # Errors
    ///
    /// A message naming the file and what is wrong.
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks configuration text.
    ///
    /// # Errors
    ///
    /// What is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let c: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        if c.capacity == 0 || c.capacity > mxtrust::limits::MAX_CACHE_SLOTS {
            return Err(format!(
                "capacity must be 1 to {}",
                mxtrust::limits::MAX_CACHE_SLOTS
            ));
        }
        if c.max_connections == 0 {
            return Err("max_connections must be at least 1".to_owned());
        }
        if c.map_name.is_empty() || c.map_name.contains(' ') {
            return Err("map_name must be one word".to_owned());
        }
        if c.lookup_timeout_secs == 0 || c.lookup_timeout_secs > 90 {
            return Err("lookup_timeout_secs must be 1 to 90 (Postfix waits 100 s)".to_owned());
        }
        if c.recheck_secs == 0 {
            return Err("recheck_secs must be at least 1".to_owned());
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors() {
        let c = Config::parse("cache_file = \"/tmp/x\"").unwrap();
        assert_eq!(c.listen.port(), 8461);
        assert_eq!(c.capacity, 50_000);
        assert!(
            Config::parse("cache_file = \"/x\"\ncapacty = 3")
                .unwrap_err()
                .contains("capacty")
        );
        assert!(Config::parse("").unwrap_err().contains("cache_file"));
        assert!(Config::parse("cache_file = \"/x\"\ncapacity = 0").is_err());
    }

    #[test]
    fn the_shipped_example_parses() {
        let c = Config::parse(include_str!("../dist/policy-server.toml")).unwrap();
        assert_eq!(c.line_listen.map(|a| a.port()), Some(8462));
        assert_eq!(c.map_name, "mta-sts");
    }
}
