//! Lists of `(key, value)` kept in key order: what the requirements keep where Codex has a
//! `BTreeMap`, with the map's order and lookups. One list type instead of a B-tree per value type
//! keeps the wasm smaller (BENCHMARKS.md, "Size"); TOML tables arrive in key order already
//! (`tomlread::entries`), so most lists are never sorted by us.

use std::borrow::Borrow;

/// `BTreeMap::get`.
pub fn get<'a, K: Borrow<Q>, Q: Ord + ?Sized, V>(list: &'a [(K, V)], key: &Q) -> Option<&'a V> {
    let index = list.binary_search_by(|(k, _)| k.borrow().cmp(key)).ok()?;
    list.get(index).map(|(_, v)| v)
}

/// `BTreeMap::insert`: a new key goes to its place, a repeated one takes the new value.
pub fn insert<K: Ord, V>(list: &mut Vec<(K, V)>, key: K, value: V) {
    match list.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(index) => {
            if let Some(slot) = list.get_mut(index) {
                slot.1 = value;
            }
        }
        Err(index) => list.insert(index, (key, value)),
    }
}

/// `BTreeMap::entry(key).or_default()` (always `Some`).
pub fn entry_or_default<K: Ord, V: Default>(list: &mut Vec<(K, V)>, key: K) -> Option<&mut V> {
    let index = match list.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(index) => index,
        Err(index) => {
            list.insert(index, (key, V::default()));
            index
        }
    };
    list.get_mut(index).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_btreemap() {
        let mut list: Vec<(String, u32)> = Vec::new();
        let mut map = std::collections::BTreeMap::new();
        for (i, key) in ["m", "b", "x", "b", "a", "m"].into_iter().enumerate() {
            let value = u32::try_from(i).unwrap();
            insert(&mut list, key.to_owned(), value);
            map.insert(key.to_owned(), value);
        }
        *entry_or_default(&mut list, "c".to_owned()).unwrap() += 7;
        *map.entry("c".to_owned()).or_default() += 7;
        *entry_or_default(&mut list, "x".to_owned()).unwrap() += 7;
        *map.entry("x".to_owned()).or_default() += 7;
        assert_eq!(list, map.clone().into_iter().collect::<Vec<_>>());
        for key in ["a", "b", "c", "m", "x", "z", ""] {
            assert_eq!(get(&list, key), map.get(key), "{key}");
        }
    }
}
