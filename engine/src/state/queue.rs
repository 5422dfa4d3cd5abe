//! The propagation queue: an ordered set of runtime nodes (topological
//! rank, slot), popped smallest first.
//!
//! An edit queues a handful of nodes, almost always in increasing order (a
//! dependent ranks after what it reads), so a sorted vector read from a
//! moving head beats a `BTreeSet`: no node allocations, and a push is
//! usually an append. Loading or recomputing a whole response queues every
//! node, where inserting in the middle of a vector would be quadratic, so
//! past [`SMALL`] entries it turns into a `BTreeSet` for the rest of the run.

use std::collections::BTreeSet;

/// The most entries kept in the sorted vector.
const SMALL: usize = 256;

pub(crate) type Key = (u32, u32);

#[derive(Debug)]
pub(crate) enum Queue {
    /// Sorted ascending; `items[head..]` are queued, the rest were popped.
    Small {
        items: Vec<Key>,
        head: usize,
    },
    Big(BTreeSet<Key>),
}

impl Default for Queue {
    fn default() -> Self {
        Queue::Small {
            items: Vec::new(),
            head: 0,
        }
    }
}

impl Queue {
    /// Queues `key` unless it is queued already.
    pub fn insert(&mut self, key: Key) {
        match self {
            Queue::Small { items, head } => {
                // A long run's popped entries go, now and then.
                if *head > 4 * SMALL {
                    items.drain(..*head);
                    *head = 0;
                }
                let queued = &items[*head..];
                // The common case: after everything queued.
                if queued.last().is_none_or(|last| *last < key) {
                    if queued.is_empty() {
                        items.clear();
                        *head = 0;
                    }
                    items.push(key);
                } else if let Err(at) = queued.binary_search(&key) {
                    items.insert(*head + at, key);
                } else {
                    return;
                }
                if items.len() - *head > SMALL {
                    *self = Queue::Big(items[*head..].iter().copied().collect());
                }
            }
            Queue::Big(set) => {
                set.insert(key);
            }
        }
    }

    /// The smallest queued key, taken off the queue.
    pub fn pop_first(&mut self) -> Option<Key> {
        match self {
            Queue::Small { items, head } => {
                let key = items.get(*head).copied();
                if key.is_some() {
                    *head += 1;
                }
                key
            }
            Queue::Big(set) => set.pop_first(),
        }
    }

    /// Unqueues `key` if it is queued.
    pub fn remove(&mut self, key: &Key) {
        match self {
            Queue::Small { items, head } => {
                if let Ok(at) = items[*head..].binary_search(key) {
                    items.remove(*head + at);
                }
            }
            Queue::Big(set) => {
                set.remove(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    /// A small deterministic generator (xorshift), so the test needs no crate.
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// Random inserts, removals and pops, small and past the switch to a
    /// `BTreeSet`, give what a `BTreeSet` gives.
    #[wasm_bindgen_test(unsupported = test)]
    fn behaves_as_an_ordered_set() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for round in 0..40 {
            let mut q = Queue::default();
            let mut model = BTreeSet::new();
            let range = if round % 2 == 0 { 50 } else { 2_000 };
            for _ in 0..3_000 {
                let r = next(&mut seed);
                let key = ((r % range) as u32, ((r >> 20) % 3) as u32);
                match r >> 60 {
                    0..=8 => {
                        q.insert(key);
                        model.insert(key);
                    }
                    9..=10 => {
                        q.remove(&key);
                        model.remove(&key);
                    }
                    _ => assert_eq!(q.pop_first(), model.pop_first()),
                }
            }
            while let Some(k) = model.pop_first() {
                assert_eq!(q.pop_first(), Some(k));
            }
            assert_eq!(q.pop_first(), None);
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_smaller_key_after_pops_comes_next() {
        let mut q = Queue::default();
        for k in [(5, 0), (9, 0), (7, 1)] {
            q.insert(k);
        }
        assert_eq!(q.pop_first(), Some((5, 0)));
        q.insert((6, 0));
        q.insert((9, 0));
        assert_eq!(q.pop_first(), Some((6, 0)));
        assert_eq!(q.pop_first(), Some((7, 1)));
        assert_eq!(q.pop_first(), Some((9, 0)));
        assert_eq!(q.pop_first(), None);
    }
}
