//! The OpenAPI document describes exactly the routes the platform serves.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Every `.route("…"` written in the participants' sources — the JSON API; the web pages
/// (the kit, `crates/web`, and each participant's `web` module) answer HTML, not this API.
fn routes_in_sources() -> BTreeSet<String> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = BTreeSet::new();
    let mut stack = vec![crates];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("tests") && !path.ends_with("target") && !path.ends_with("web") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split(".route(").skip(1) {
                    let part = part.trim_start();
                    if let Some(rest) = part.strip_prefix('"') {
                        found.insert(rest.split('"').next().unwrap().to_string());
                    }
                }
            }
        }
    }
    found
}

#[test]
fn the_document_names_every_route_and_no_other() {
    let server = shared();
    let doc = Client::anonymous(server).get("/api/openapi.json").ok();
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let served = routes_in_sources();
    assert!(served.len() > 30, "{served:?}");
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the document: {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "documented but not served: {unserved:?}"
    );
}

#[test]
fn every_documented_operation_is_answered_by_the_platform() {
    let server = shared();
    let c = Client::as_role(server, "monitor", None);
    let doc = c.get("/api/openapi.json").ok();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for method in ops.as_object().unwrap().keys() {
            let answer = match method.as_str() {
                "get" => c.get(&concrete),
                "delete" => continue, // would log the monitor out
                _ => c.post_raw(&concrete, "{}"),
            };
            // The router's own "no such route" is an empty 404 or a 405; ours carry a code.
            assert_ne!(answer.status, 405, "{method} {path}");
            if answer.status == 404 {
                assert!(
                    answer.body["code"].is_string(),
                    "{method} {path}: {:?}",
                    answer.body
                );
            }
        }
    }
}
