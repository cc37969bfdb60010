//! The shared backend for fleets of MTAs: every fetched policy is also
//! written to Redis, and a server that has nothing cached for a domain
//! takes the policy from there before fetching. Each server still keeps
//! its own `mxtrust::cache` (and its file), with the same refresh and
//! per-id back-off rules; Redis only saves the other servers a fetch and
//! carries policies across a lost disk.
//!
//! One key per domain, `PREFIX` + domain, holding `MXSTS1 ID FETCHED_AT`,
//! a newline and the policy body as fetched (each server parses it with
//! core again). The key's TTL is the policy's `max_age` plus a minute,
//! counted from the write, which comes after the fetch: Redis never drops
//! a policy before it expires (RFC 8461 §5.1).

use redis::aio::MultiplexedConnection;

/// Added to `max_age` for the key's TTL (clock skew between servers).
const TTL_SLACK: u64 = 60;

/// A connection to the shared backend.
#[derive(Clone)]
pub struct Shared {
    con: MultiplexedConnection,
    prefix: String,
}

/// A policy as the backend holds it.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub fetched_at: u64,
    pub body: Vec<u8>,
}

impl Shared {
    /// Connects.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("redis_url: {e}"))?;
        let con = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        Ok(Self {
            con,
            prefix: prefix.to_owned(),
        })
    }

    /// Writes a freshly fetched policy.
    ///
    /// # Errors
    ///
    /// The client's error, as text.
    pub async fn put(&self, domain: &str, entry: &Entry, max_age: u32) -> Result<(), String> {
        let mut con = self.con.clone();
        redis::cmd("SET")
            .arg(format!("{}{domain}", self.prefix))
            .arg(encode(entry))
            .arg("EX")
            .arg(u64::from(max_age).max(1) + TTL_SLACK)
            .query_async::<()>(&mut con)
            .await
            .map_err(|e| e.to_string())
    }

    /// Reads a domain's policy, if any.
    ///
    /// # Errors
    ///
    /// The client's error, as text; a value that does not decode is `None`.
    pub async fn get(&self, domain: &str) -> Result<Option<Entry>, String> {
        let mut con = self.con.clone();
        let value: Option<Vec<u8>> = redis::cmd("GET")
            .arg(format!("{}{domain}", self.prefix))
            .query_async(&mut con)
            .await
            .map_err(|e| e.to_string())?;
        Ok(value.and_then(|v| decode(&v)))
    }
}

fn encode(e: &Entry) -> Vec<u8> {
    let mut out = format!("MXSTS1 {} {}\n", e.id, e.fetched_at).into_bytes();
    out.extend_from_slice(&e.body);
    out
}

fn decode(v: &[u8]) -> Option<Entry> {
    let nl = v.iter().position(|&b| b == b'\n')?;
    let head = std::str::from_utf8(v.get(..nl)?).ok()?;
    let mut words = head.split(' ');
    if words.next()? != "MXSTS1" {
        return None;
    }
    let id = words.next()?.to_owned();
    let fetched_at = words.next()?.parse().ok()?;
    if words.next().is_some() {
        return None;
    }
    Some(Entry {
        id,
        fetched_at,
        body: v.get(nl + 1..)?.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let e = Entry {
            id: "20261128T000000".into(),
            fetched_at: 1_764_000_000,
            body: b"version: STSv1\nmode: enforce\n".to_vec(),
        };
        assert_eq!(decode(&encode(&e)), Some(e));
        assert_eq!(decode(b"MXSTS2 a 1\nx"), None);
        assert_eq!(decode(b"MXSTS1 a x\nx"), None);
        assert_eq!(decode(b"MXSTS1 a 1"), None);
    }
}
