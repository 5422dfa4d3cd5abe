//! One stable sort for cold paths of the engine and the app (compiling a
//! form, load checks, lists on screen). `slice::sort_by` and
//! `sort_unstable` are generic over the element and the comparator, so every call site compiles its own copy of
//! the standard library's sort (several KB of wasm each). Here every call
//! shares one copy, which sorts positions through a `dyn` comparator; only
//! moving the elements into that order is generic, and it is small. Not
//! for a hot path: it allocates the order.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal elements in their order
/// (as `slice::sort_by`).
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let view: &[T] = items;
        positions(items.len(), &|a, b| compare(&view[a], &view[b]))
    };
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `items` by the key `key` gives (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in ascending order (as `slice::sort`; for values whose
/// equal elements are indistinguishable, the same as `sort_unstable`).
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// The positions `0..len` in sorted order: the one monomorphised sort.
#[inline(never)]
fn positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{sort, sort_by, sort_by_key};

    #[wasm_bindgen_test(unsupported = test)]
    fn sorts_like_the_standard_library_and_keeps_ties_in_order() {
        // Pairs (key, arrival): ties on the key must keep their arrival order.
        let mut items: Vec<(u8, usize)> = [5u8, 1, 3, 1, 5, 0, 3, 3, 9, 1]
            .into_iter()
            .enumerate()
            .map(|(i, k)| (k, i))
            .collect();
        let mut expected = items.clone();
        expected.sort_by_key(|&(k, _)| k);
        sort_by_key(&mut items, |&(k, _)| k);
        assert_eq!(items, expected);
        assert_eq!(&items[..3], &[(0, 5), (1, 1), (1, 3)]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn sorts_owned_values_and_handles_tiny_lists() {
        let mut words: Vec<String> = ["b", "c", "a", "b"].map(String::from).to_vec();
        sort(&mut words);
        assert_eq!(words, ["a", "b", "b", "c"]);
        sort_by(&mut words, |a, b| b.cmp(a));
        assert_eq!(words, ["c", "b", "b", "a"]);
        let mut one = vec![String::from("x")];
        sort(&mut one);
        assert_eq!(one, ["x"]);
        let mut none: Vec<String> = Vec::new();
        sort(&mut none);
        assert!(none.is_empty());
    }
}
