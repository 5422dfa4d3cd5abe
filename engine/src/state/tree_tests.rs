//! Removed repeat instances leave nothing behind, and their ids stay dead.

#![allow(clippy::unwrap_used)]

use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::*;
use crate::env::FixedEnvironment;
use crate::testing::{compiled, q};

fn env() -> FixedEnvironment {
    FixedEnvironment::default()
}

fn roster() -> FormState {
    FormState::new(
        compiled(
            json!([
                { "kind": "repeat", "name": "member", "items": [
                    q("age", "integer", json!({})),
                    q("n", "integer", json!({})),
                    { "kind": "repeat", "name": "child", "repeat_count": "${n}", "items": [
                        q("cname", "text", json!({})),
                    ]},
                ]},
                q("total", "calculate", json!({ "calculation": "sum(${age})" })),
            ]),
            json!({}),
        ),
        &env(),
    )
}

#[wasm_bindgen_test(unsupported = test)]
fn adding_and_removing_instances_keeps_the_arena_bounded() {
    let mut s = roster();
    s.add("member", &env()).unwrap();
    s.set("member[1]/age", "40", &env()).unwrap();
    let (arena, slots) = (
        s.tree.arena.len(),
        s.tree.slots.iter().map(Vec::len).sum::<usize>(),
    );
    for k in 0..10_000 {
        let (id, _) = s.add("member", &env()).unwrap();
        s.set("member[2]/age", &k.to_string(), &env()).unwrap();
        s.set("member[2]/n", "2", &env()).unwrap();
        // Kept (under this member) until the count goes back up.
        s.set("member[2]/n", "1", &env()).unwrap();
        s.remove_instance(id, &env()).unwrap();
    }
    // One member and its two children alive at most, besides the first.
    assert!(
        s.tree.arena.len() <= arena + 3,
        "arena grew to {}",
        s.tree.arena.len()
    );
    assert!(
        s.tree.arena.capacity() <= 16,
        "arena capacity {}",
        s.tree.arena.capacity()
    );
    assert!(s.tree.slots.iter().map(Vec::len).sum::<usize>() <= slots + 3);
    assert!(
        s.data
            .iter()
            .all(|d| d.stored.len() <= 3 && d.flags.len() <= 3)
    );
    assert!(
        s.removed.is_empty(),
        "the removed members' children are released"
    );
    assert_eq!(s.value(s.node("total").unwrap()), "40");
}

#[wasm_bindgen_test(unsupported = test)]
fn a_removed_instance_id_never_names_a_new_instance() {
    let mut s = roster();
    let (old, _) = s.add("member", &env()).unwrap();
    s.set("member[1]/age", "7", &env()).unwrap();
    let age = s.node("member[1]/age").unwrap();
    s.remove_instance(old, &env()).unwrap();
    let (new, _) = s.add("member", &env()).unwrap();
    assert_eq!(new.index(), old.index(), "the entry is reused");
    assert_ne!(new, old);
    assert_eq!(s.position(old), None);
    assert_eq!(s.parent(old), None);
    assert_eq!(s.instance_path(old), format!("#{old}"));
    assert_eq!(
        s.set_value(age, "9", &env()).unwrap_err(),
        StateError::NoSuchInstance { id: old }
    );
    assert_eq!(
        s.remove_instance(old, &env()).unwrap_err(),
        StateError::NoSuchInstance { id: old }
    );
    assert_eq!(s.value(s.node("member[1]/age").unwrap()), "");
    assert_eq!(
        s.instances(s.form().lookup("member").unwrap(), InstanceId::ROOT),
        &[new]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn node_keys_carry_the_generation() {
    let id = InstanceId::new(3, 2);
    assert_eq!((id.index(), id.generation()), (3, 2));
    let node = NodeRef {
        field: FieldId(12),
        instance: id,
    };
    assert_eq!(node.key(), "12.3v2");
    assert_eq!("12.3v2".parse::<NodeRef>().unwrap(), node);
    assert_eq!(
        "12.3".parse::<NodeRef>().unwrap().instance,
        InstanceId::new(3, 0)
    );
    assert!("12.3v".parse::<NodeRef>().is_err());
    assert!("12.v1".parse::<NodeRef>().is_err());
}

#[wasm_bindgen_test(unsupported = test)]
fn an_entry_at_its_last_generation_is_retired() {
    let mut s = roster();
    let (id, _) = s.add("member", &env()).unwrap();
    // As if this entry had been reused 2^32 - 1 times.
    s.tree.arena[id.index()].generation = u32::MAX;
    let last = InstanceId::new(id.index() as u32, u32::MAX);
    s.tree.arena[InstanceId::ROOT.index()].children[0] = vec![last];
    let (scope, slot) = (s.tree.inst(last).scope, s.tree.inst(last).slot);
    s.tree.slots[scope.index()][slot as usize] = Some(last);
    s.remove_instance(last, &env()).unwrap();
    let (next, _) = s.add("member", &env()).unwrap();
    assert_ne!(next.index(), id.index(), "a retired entry is not reused");
}
