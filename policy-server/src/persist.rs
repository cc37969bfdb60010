//! The cache image on disk: written to a temporary file, fsynced, renamed
//! over the image and the directory fsynced, so that a crash at any point
//! leaves either the old image or the new one, whole.
//!
//! The test-only pause hook: when the environment variable
//! `MXTRUST_POLICY_SERVER_TEST_PAUSE` names a step (`written`, `fsynced`,
//! `renamed`), the server creates `IMAGE.paused-STEP` after that step and
//! stops there, so that a test can SIGKILL it at exactly that point.

use mxtrust::cache::PolicyCache;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The variable naming the step to pause after (tests only).
pub const PAUSE_VAR: &str = "MXTRUST_POLICY_SERVER_TEST_PAUSE";

fn tmp_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".tmp");
    PathBuf::from(p)
}

fn pause_after(path: &Path, step: &str) {
    if std::env::var(PAUSE_VAR).is_ok_and(|v| v == step) {
        let mut marker = path.as_os_str().to_owned();
        marker.push(format!(".paused-{step}"));
        let _ = File::create(PathBuf::from(marker));
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// The cache's image (taken under the cache lock; written without it).
///
/// # Errors
///
/// Core's export error (never expected: the buffer is sized by core).
pub fn image(cache: &PolicyCache<'_>) -> Result<Vec<u8>, String> {
    let mut image = vec![0u8; cache.export_len()];
    let n = cache
        .export(&mut image)
        .map_err(|e| format!("export: {e:?}"))?;
    image.truncate(n);
    Ok(image)
}

/// Writes the cache's image atomically; the image's size.
///
/// # Errors
///
/// The I/O error, with the step it happened at.
#[cfg(test)]
pub fn save(cache: &PolicyCache<'_>, path: &Path) -> Result<usize, String> {
    write_image(&image(cache)?, path)
}

/// Writes an image atomically (write, fsync, rename, fsync the directory);
/// its size.
///
/// # Errors
///
/// The I/O error, with the step it happened at.
pub fn write_image(image: &[u8], path: &Path) -> Result<usize, String> {
    let n = image.len();
    let tmp = tmp_path(path);
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    f.write_all(image)
        .map_err(|e| format!("{}: write: {e}", tmp.display()))?;
    pause_after(path, "written");
    f.sync_all()
        .map_err(|e| format!("{}: fsync: {e}", tmp.display()))?;
    drop(f);
    pause_after(path, "fsynced");
    std::fs::rename(&tmp, path).map_err(|e| format!("rename to {}: {e}", path.display()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| format!("{}: fsync: {e}", dir.display()))?;
    }
    pause_after(path, "renamed");
    Ok(n)
}

/// What loading found.
#[derive(Debug, PartialEq, Eq)]
pub enum Loaded {
    /// No image yet.
    Nothing,
    /// The image, imported: entries kept and left out.
    Image { kept: usize, dropped: usize },
    /// The image was unreadable or corrupt; it was moved aside to the path
    /// given, and the cache starts empty.
    SetAside { to: PathBuf, why: String },
}

/// Loads the image into an empty cache. A corrupt image is renamed to
/// `IMAGE.corrupt-UNIXTIME`, never deleted, and never stops the server.
///
/// # Errors
///
/// Only when a corrupt image cannot be moved aside (the server must not
/// overwrite it then).
pub fn load(cache: &mut PolicyCache<'_>, path: &Path, now: u64) -> Result<Loaded, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::Nothing),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    match cache.import(&bytes) {
        Ok(i) => Ok(Loaded::Image {
            kept: i.kept,
            dropped: i.dropped,
        }),
        Err(e) => {
            cache.clear();
            let mut to = path.as_os_str().to_owned();
            to.push(format!(".corrupt-{now}"));
            let to = PathBuf::from(to);
            std::fs::rename(path, &to).map_err(|r| {
                format!(
                    "{}: corrupt ({e:?}) and cannot be moved aside: {r}",
                    path.display()
                )
            })?;
            Ok(Loaded::SetAside {
                to,
                why: format!("{e:?}"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxtrust::cache::{Lookup, Slot};
    use mxtrust::policy::Policy;
    use mxtrust::sts::PolicyId;
    use mxtrust::time::unix_time;

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "mxtrust-ps-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn saves_loads_and_sets_a_corrupt_image_aside() {
        let d = dir();
        let path = d.join("cache.bin");
        let body = b"version: STSv1\nmode: enforce\nmx: *.example.net\nmax_age: 86400\n";
        let policy: Policy = Policy::parse(body, &mut []).unwrap();
        let (mut s1, mut t1) = (vec![Slot::EMPTY; 8], vec![0u8; 1024]);
        let mut cache = PolicyCache::new(&mut s1, &mut t1, [1; 16]);
        cache
            .store(
                b"example.com",
                PolicyId::new(b"a1").unwrap(),
                &policy,
                unix_time(1000),
            )
            .unwrap();
        save(&cache, &path).unwrap();
        assert!(!tmp_path(&path).exists());

        let (mut s2, mut t2) = (vec![Slot::EMPTY; 8], vec![0u8; 1024]);
        let mut again = PolicyCache::new(&mut s2, &mut t2, [2; 16]);
        assert_eq!(
            load(&mut again, &path, 5).unwrap(),
            Loaded::Image {
                kept: 1,
                dropped: 0
            }
        );
        assert!(
            matches!(again.lookup(b"example.com", unix_time(2000)), Lookup::Fresh(p) if p.allows_mx(b"a.example.net"))
        );

        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let (mut s3, mut t3) = (vec![Slot::EMPTY; 8], vec![0u8; 1024]);
        let mut third = PolicyCache::new(&mut s3, &mut t3, [3; 16]);
        match load(&mut third, &path, 77).unwrap() {
            Loaded::SetAside { to, .. } => {
                assert!(to.ends_with("cache.bin.corrupt-77") && to.exists());
            }
            other => panic!("{other:?}"),
        }
        assert!(third.is_empty() && !path.exists());
        assert_eq!(load(&mut third, &path, 78).unwrap(), Loaded::Nothing);
        std::fs::remove_dir_all(d).unwrap();
    }
}
