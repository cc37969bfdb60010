//! The module graph written in `src/lib.rs` is the one the code has, and it
//! has no cycle. A module "uses" another when its non-test code names
//! `crate::other` (intra-doc links in comments do not count).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
}

/// The graph the code has.
fn actual() -> Graph {
    let modules: BTreeSet<String> = std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|f| f.strip_suffix(".rs").map(str::to_owned))
        .filter(|m| m != "lib")
        .collect();
    modules
        .iter()
        .map(|m| {
            let text = std::fs::read_to_string(src().join(format!("{m}.rs"))).unwrap();
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            let code: String = code
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let mut uses = BTreeSet::new();
            let mut push_words = |s: &str| {
                for word in s.split(|c: char| !(c.is_ascii_lowercase() || c == '_')) {
                    if modules.contains(word) && word != m {
                        uses.insert(word.to_owned());
                    }
                }
            };
            for (i, _) in code.match_indices("crate::") {
                let rest = &code[i + "crate::".len()..];
                if let Some(group) = rest.strip_prefix('{') {
                    push_words(&group[..group.find('}').unwrap()]);
                } else {
                    let end = rest
                        .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                        .unwrap_or(rest.len());
                    push_words(&rest[..end]);
                }
            }
            (m.clone(), uses)
        })
        .collect()
}

/// The graph `src/lib.rs` documents.
fn documented() -> Graph {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let section = lib.split("//! # Module graph").nth(1).expect("section");
    let block = section.split("//! ```text").nth(1).unwrap();
    let block = block.split("//! ```").next().unwrap();
    let mut graph = Graph::new();
    for line in block.lines() {
        let line = line.trim_start_matches("//!").trim();
        let Some((left, right)) = line.split_once('→') else {
            continue;
        };
        let uses: BTreeSet<String> = right
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty() && *w != "(nothing)")
            .map(str::to_owned)
            .collect();
        for module in left.split(',').map(str::trim) {
            graph.insert(module.to_owned(), uses.clone());
        }
    }
    graph
}

#[test]
fn lib_rs_documents_the_module_graph_the_code_has() {
    assert_eq!(documented(), actual());
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = actual();
    // Kahn's algorithm: every module must come out.
    let mut remaining = graph.clone();
    loop {
        let leaves: Vec<String> = remaining
            .iter()
            .filter(|(_, uses)| uses.iter().all(|u| !remaining.contains_key(u)))
            .map(|(m, _)| m.clone())
            .collect();
        if leaves.is_empty() {
            break;
        }
        for leaf in leaves {
            remaining.remove(&leaf);
        }
    }
    assert!(remaining.is_empty(), "a cycle among {:?}", remaining.keys());
}
