//! Storage: the in-memory etcd of the simulated cluster, keyed by group, resource, namespace and
//! name, with resourceVersions, UIDs and creation timestamps.
//! See <https://kubernetes.io/docs/concepts/overview/working-with-objects/>.

use crate::sim::ptr::Ptr as _;
use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{json, Value};

use super::clock::{format_rfc3339, Instant};
use super::response::ApiError;

/// Where objects of one resource live.
type Bucket = BTreeMap<(String, String), Value>;

/// A pair of strings looked up without allocating: `(String, String)` keys are borrowed as
/// this, and a `(&str, &str)` is one too (ordered the same way, by the first then the second).
trait Pair {
    fn pair(&self) -> (&str, &str);
}

impl Pair for (String, String) {
    fn pair(&self) -> (&str, &str) {
        (&self.0, &self.1)
    }
}

impl Pair for (&str, &str) {
    fn pair(&self) -> (&str, &str) {
        (self.0, self.1)
    }
}

impl<'a> std::borrow::Borrow<dyn Pair + 'a> for (String, String) {
    fn borrow(&self) -> &(dyn Pair + 'a) {
        self
    }
}

impl PartialEq for dyn Pair + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.pair() == other.pair()
    }
}

impl Eq for dyn Pair + '_ {}

impl PartialOrd for dyn Pair + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn Pair + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.pair().cmp(&other.pair())
    }
}

/// The borrowed key of a pair.
fn key<'k>(a: &'k str, b: &'k str) -> (&'k str, &'k str) {
    (a, b)
}

/// The object store.
#[derive(Debug, Clone, Default)]
pub struct Store {
    buckets: BTreeMap<(String, String), Bucket>,
    revision: u64,
    uid_state: u64,
    /// Bumped by every write; derived data (the RBAC subject index) is cached against it.
    writes: u64,
    memo: RefCell<Option<Memo>>,
    /// The objects written since the memo was last brought up to date (bounded: past
    /// [`CHANGE_LOG_LIMIT`] the memo is rebuilt instead).
    changes: RefCell<ChangeLog>,
}

/// One cached value derived from the store, valid while `writes` is unchanged.
#[derive(Clone)]
struct Memo {
    writes: u64,
    value: Rc<dyn Any>,
}

/// How many writes are remembered for bringing derived data up to date.
const CHANGE_LOG_LIMIT: usize = 4096;

#[derive(Debug, Clone, Default)]
struct ChangeLog {
    list: Vec<Change>,
    overflowed: bool,
}

/// One object written (created, updated or deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// API group.
    pub group: String,
    /// Resource.
    pub resource: String,
    /// Namespace (empty for cluster-scoped objects).
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memo(writes {})", self.writes)
    }
}

/// The `metadata.name` of an object.
pub fn name_of(obj: &Value) -> &str {
    // `get` chains, not `pointer`: serde_json's pointer allocates for every path token.
    obj.field("metadata")
        .and_then(|m| m.field("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The strings of a list field (`rule.verbs`, `subjects[].groups`); missing or not a list is
/// empty, non-strings are skipped.
pub fn string_list(obj: &Value, key: &str) -> Vec<String> {
    obj.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The `metadata.namespace` of an object.
pub fn namespace_of(obj: &Value) -> &str {
    obj.field("metadata")
        .and_then(|m| m.field("namespace"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

impl Store {
    /// An empty store whose first resourceVersion follows `revision`.
    pub fn new(revision: u64, seed: u64) -> Self {
        Store {
            buckets: BTreeMap::new(),
            revision,
            uid_state: seed,
            writes: 0,
            memo: RefCell::new(None),
            changes: RefCell::new(ChangeLog::default()),
        }
    }

    /// A value derived from the whole store, built once and then kept up to date: `update`
    /// is handed the objects written since (and says `false` when it cannot follow them, to
    /// have it rebuilt); after many writes it is rebuilt. One slot: a different type replaces
    /// it.
    pub fn memo<T: Clone + 'static>(
        &self,
        build: &dyn Fn(&Store) -> T,
        update: &dyn Fn(&mut T, &Store, &[Change]) -> bool,
    ) -> Rc<T> {
        let cached = self.memo.borrow_mut().take();
        let mut changes = self.changes.borrow_mut();
        let value = match cached {
            Some(m) if m.writes == self.writes => m.value.downcast::<T>().ok(),
            Some(m) if !changes.overflowed => m.value.downcast::<T>().ok().and_then(|mut rc| {
                update(Rc::make_mut(&mut rc), self, &changes.list).then_some(rc)
            }),
            _ => None,
        };
        let value = value.unwrap_or_else(|| Rc::new(build(self)));
        changes.list.clear();
        changes.overflowed = false;
        *self.memo.borrow_mut() = Some(Memo {
            writes: self.writes,
            value: value.clone(),
        });
        value
    }

    /// Notes a write for [`Store::memo`].
    fn log(&mut self, group: &str, resource: &str, namespace: &str, name: &str) {
        self.writes += 1;
        let changes = self.changes.get_mut();
        if changes.list.len() >= CHANGE_LOG_LIMIT {
            changes.overflowed = true;
            changes.list.clear();
        }
        if !changes.overflowed {
            changes.list.push(Change {
                group: group.into(),
                resource: resource.into(),
                namespace: namespace.into(),
                name: name.into(),
            });
        }
    }

    fn bucket_mut(
        &mut self,
        group: &str,
        resource: &str,
        namespace: &str,
        name: &str,
    ) -> &mut Bucket {
        self.log(group, resource, namespace, name);
        self.buckets
            .entry((group.to_string(), resource.to_string()))
            .or_default()
    }

    /// The current revision (the newest resourceVersion handed out).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Each resource the store holds objects of, `(group, resource, how many)`, in key order.
    pub fn resources(&self) -> impl Iterator<Item = (&str, &str, usize)> {
        self.buckets
            .iter()
            .filter(|(_, b)| !b.is_empty())
            .map(|((g, r), b)| (g.as_str(), r.as_str(), b.len()))
    }

    /// One object.
    pub fn get(&self, group: &str, resource: &str, namespace: &str, name: &str) -> Option<&Value> {
        self.buckets
            .get(&key(group, resource) as &dyn Pair)?
            .get(&key(namespace, name) as &dyn Pair)
    }

    /// Objects of a resource, sorted by namespace then name; `namespace` `None` lists all.
    pub fn list<'a>(
        &'a self,
        group: &str,
        resource: &str,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        let bucket = self.buckets.get(&key(group, resource) as &dyn Pair);
        let all = bucket
            .filter(|_| namespace.is_none())
            .into_iter()
            .flat_map(|b| b.values());
        // One namespace: a range of the sorted keys, not a scan of every namespace.
        let one = namespace.and_then(|ns| {
            let from = (ns.to_string(), String::new());
            bucket.map(|b| {
                b.range(from..)
                    .take_while(move |((n, _), _)| n == ns)
                    .map(|(_, v)| v)
            })
        });
        all.chain(one.into_iter().flatten())
    }

    /// A fresh, reproducible v4-looking UUID (object UIDs, token IDs).
    pub fn next_uid(&mut self) -> String {
        // splitmix64: deterministic, so traces and tests are reproducible.
        let mut next = || {
            self.uid_state = self.uid_state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.uid_state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let (a, b) = (next(), next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            (a >> 32) as u32,
            (a >> 16) as u16,
            (a & 0xfff) as u16,
            (((b >> 48) as u16) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    /// A random-looking suffix for `generateName`, five characters from upstream's alphabet.
    pub fn name_suffix(&mut self) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let uid = self.next_uid();
        uid.bytes()
            .filter(u8::is_ascii_hexdigit)
            .take(5)
            .map(|b| ALPHABET[(b as usize * 7) % ALPHABET.len()] as char)
            .collect()
    }

    /// Stores a new object, filling in uid, resourceVersion and creationTimestamp.
    pub fn create(
        &mut self,
        group: &str,
        resource: &str,
        obj: Value,
        now: Instant,
    ) -> Result<Value, ApiError> {
        let ns = namespace_of(&obj).to_string();
        let name = name_of(&obj).to_string();
        self.insert_new(group, resource, obj, now)?;
        Ok(self
            .get(group, resource, &ns, &name)
            .cloned()
            .unwrap_or_default())
    }

    /// [`Store::create`] without handing back a copy (for boot, which stores a whole
    /// workspace).
    pub fn insert_new(
        &mut self,
        group: &str,
        resource: &str,
        mut obj: Value,
        now: Instant,
    ) -> Result<(), ApiError> {
        let ns = namespace_of(&obj).to_string();
        let name = name_of(&obj).to_string();
        if self.get(group, resource, &ns, &name).is_some() {
            return Err(ApiError::already_exists(group, resource, &name));
        }
        self.revision += 1;
        let uid = self.next_uid();
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("uid".into(), json!(uid));
            meta.insert("resourceVersion".into(), json!(self.revision.to_string()));
            meta.insert("creationTimestamp".into(), json!(format_rfc3339(now)));
        }
        self.bucket_mut(group, resource, &ns, &name)
            .insert((ns, name), obj);
        Ok(())
    }

    /// What `create` would store, for a server-side dry run: uid and creationTimestamp are
    /// filled in, nothing is written and no resourceVersion is given.
    pub fn preview_create(&mut self, mut obj: Value, now: Instant) -> Value {
        let uid = self.next_uid();
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("uid".into(), json!(uid));
            meta.insert("creationTimestamp".into(), json!(format_rfc3339(now)));
        }
        obj
    }

    /// Replaces an existing object, bumping its resourceVersion.
    pub fn update(
        &mut self,
        group: &str,
        resource: &str,
        mut obj: Value,
    ) -> Result<Value, ApiError> {
        let ns = namespace_of(&obj).to_string();
        let name = name_of(&obj).to_string();
        let Some(old) = self.get(group, resource, &ns, &name) else {
            return Err(ApiError::not_found(group, resource, &name));
        };
        let old_meta = old.field("metadata").cloned().unwrap_or(json!({}));
        if let Some(rv) = obj.ptr("/metadata/resourceVersion").and_then(Value::as_str) {
            if Some(rv) != old_meta.field("resourceVersion").and_then(Value::as_str) {
                return Err(ApiError::conflict(
                    group,
                    resource,
                    &name,
                    "the object has been modified; please apply your changes to the latest version and try again",
                ));
            }
        }
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            // Clients cannot set or clear these: the server keeps the stored values.
            for key in ["deletionTimestamp", "deletionGracePeriodSeconds"] {
                match old_meta.get(key) {
                    Some(v) => meta.insert(key.into(), v.clone()),
                    None => meta.remove(key),
                };
            }
            for key in ["uid", "creationTimestamp"] {
                if let Some(v) = old_meta.get(key) {
                    meta.insert(key.into(), v.clone());
                }
            }
            if let Some(rv) = old_meta.field("resourceVersion") {
                meta.insert("resourceVersion".into(), rv.clone());
            }
        }
        // An update that changes nothing writes nothing: same object, same resourceVersion.
        if Some(&obj) == self.get(group, resource, &ns, &name) {
            return Ok(obj);
        }
        self.revision += 1;
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), json!(self.revision.to_string()));
        }
        // A namespace also waits for its own `spec.finalizers` (the namespace controller's).
        let spec_finalizers = group.is_empty()
            && resource == "namespaces"
            && obj
                .ptr("/spec/finalizers")
                .and_then(Value::as_array)
                .is_some_and(|f| !f.is_empty());
        let finished = is_deleting(&obj) && finalizers(&obj).is_empty() && !spec_finalizers;
        let bucket = self.bucket_mut(group, resource, &ns, &name);
        let key = (ns, name);
        if finished {
            // The update removed the last finalizer of an object being deleted: it goes now.
            bucket.remove(&key);
        } else {
            bucket.insert(key, obj.clone());
        }
        Ok(obj)
    }

    /// Writes an object as the server itself does (no precondition, no client-protected
    /// fields), bumping the resourceVersion: e.g. a namespace marked Terminating.
    pub fn put_system(&mut self, group: &str, resource: &str, mut obj: Value) -> Value {
        self.revision += 1;
        obj["metadata"]["resourceVersion"] = json!(self.revision.to_string());
        let key = (namespace_of(&obj).to_string(), name_of(&obj).to_string());
        self.bucket_mut(group, resource, &key.0, &key.1)
            .insert(key, obj.clone());
        obj
    }

    /// DELETE as the generic registry does it: an object without finalizers is removed
    /// (`Ok((obj, true))`); one with finalizers only gets a deletionTimestamp and stays until
    /// the last finalizer is taken off (`Ok((obj, false))`).
    pub fn delete_or_mark(
        &mut self,
        group: &str,
        resource: &str,
        namespace: &str,
        name: &str,
        now: Instant,
    ) -> Result<(Value, bool), ApiError> {
        let Some(current) = self.get(group, resource, namespace, name) else {
            return Err(ApiError::not_found(group, resource, name));
        };
        if finalizers(current).is_empty() {
            return self
                .delete(group, resource, namespace, name)
                .map(|o| (o, true));
        }
        if is_deleting(current) {
            return Ok((current.clone(), false));
        }
        let mut marked = current.clone();
        marked["metadata"]["deletionTimestamp"] = json!(format_rfc3339(now));
        marked["metadata"]["deletionGracePeriodSeconds"] = json!(0);
        self.revision += 1;
        marked["metadata"]["resourceVersion"] = json!(self.revision.to_string());
        self.bucket_mut(group, resource, namespace, name)
            .insert((namespace.to_string(), name.to_string()), marked.clone());
        Ok((marked, false))
    }

    /// Removes an object and returns it.
    pub fn delete(
        &mut self,
        group: &str,
        resource: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Value, ApiError> {
        self.log(group, resource, namespace, name);
        let removed = self
            .buckets
            .get_mut(&(group.to_string(), resource.to_string()))
            .and_then(|b| b.remove(&(namespace.to_string(), name.to_string())));
        match removed {
            Some(obj) => {
                self.revision += 1;
                Ok(obj)
            }
            None => Err(ApiError::not_found(group, resource, name)),
        }
    }
}

/// The 5-character random-looking suffix kube generates, derived from a name here so runs
/// are reproducible.
pub fn name_suffix(seed: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h = seed.bytes().fold(2_166_136_261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    });
    (0..5)
        .map(|_| {
            let c = ALPHABET[(h % ALPHABET.len() as u32) as usize] as char;
            h /= ALPHABET.len() as u32;
            c
        })
        .collect()
}

/// `metadata.finalizers` of an object.
pub fn finalizers(obj: &Value) -> Vec<&str> {
    obj.ptr("/metadata/finalizers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether an object has been asked to go (it has a deletionTimestamp).
pub fn is_deleting(obj: &Value) -> bool {
    obj.ptr("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(ns: &str, name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns}})
    }

    #[test]
    fn create_fills_metadata_and_refuses_duplicates() {
        let mut s = Store::new(100, 1);
        let p = s.create("", "pods", pod("blue", "web"), 0).unwrap();
        assert_eq!(p["metadata"]["resourceVersion"], "101");
        assert_eq!(p["metadata"]["creationTimestamp"], "1970-01-01T00:00:00Z");
        assert_eq!(p["metadata"]["uid"].as_str().unwrap().len(), 36);
        let err = s.create("", "pods", pod("blue", "web"), 0).unwrap_err();
        assert_eq!(err.message, "pods \"web\" already exists");
        assert_eq!(err.code, 409);
        // The same name in another namespace is another object.
        assert!(s.create("", "pods", pod("red", "web"), 0).is_ok());
        assert_eq!(s.list("", "pods", None).count(), 2);
        assert_eq!(s.list("", "pods", Some("blue")).count(), 1);
    }

    #[test]
    fn uids_differ_and_look_like_v4() {
        let mut s = Store::new(0, 7);
        let a = s.next_uid();
        let b = s.next_uid();
        assert_ne!(a, b);
        assert_eq!(&a[14..15], "4");
    }

    #[test]
    fn update_checks_resource_version_and_delete_reports_not_found() {
        let mut s = Store::new(0, 1);
        let p = s.create("", "pods", pod("b", "x"), 0).unwrap();
        let mut stale = p.clone();
        stale["metadata"]["resourceVersion"] = json!("0");
        assert_eq!(s.update("", "pods", stale).unwrap_err().code, 409);
        // Writing the same object back is a no-op: the resourceVersion stays.
        let same = s.update("", "pods", p.clone()).unwrap();
        assert_eq!(same["metadata"]["resourceVersion"], "1");
        let mut changed = p.clone();
        changed["metadata"]["labels"] = json!({"app": "x"});
        let updated = s.update("", "pods", changed).unwrap();
        assert_eq!(updated["metadata"]["resourceVersion"], "2");
        assert_eq!(updated["metadata"]["uid"], p["metadata"]["uid"]);
        s.delete("", "pods", "b", "x").unwrap();
        assert_eq!(
            s.delete("", "pods", "b", "x").unwrap_err().message,
            "pods \"x\" not found"
        );
    }

    #[test]
    fn finalizers_hold_a_deleted_object_until_removed() {
        let mut s = Store::new(0, 1);
        let mut p = pod("b", "held");
        p["metadata"]["finalizers"] = json!(["example.com/block"]);
        s.create("", "pods", p, 0).unwrap();
        let (marked, removed) = s.delete_or_mark("", "pods", "b", "held", 60).unwrap();
        assert!(!removed);
        assert_eq!(
            marked["metadata"]["deletionTimestamp"],
            "1970-01-01T00:01:00Z"
        );
        assert!(s.get("", "pods", "b", "held").is_some());
        // A second DELETE changes nothing; an update cannot clear the deletionTimestamp.
        let (again, _) = s.delete_or_mark("", "pods", "b", "held", 120).unwrap();
        assert_eq!(
            again["metadata"]["deletionTimestamp"],
            "1970-01-01T00:01:00Z"
        );
        let mut edit = again.clone();
        edit["metadata"]["deletionTimestamp"] = Value::Null;
        edit["metadata"]["labels"] = json!({"a": "b"});
        let kept = s.update("", "pods", edit).unwrap();
        assert_eq!(
            kept["metadata"]["deletionTimestamp"],
            "1970-01-01T00:01:00Z"
        );
        assert!(s.get("", "pods", "b", "held").is_some());
        // Taking the last finalizer off lets it go.
        let mut done = kept.clone();
        done["metadata"]["finalizers"] = json!([]);
        s.update("", "pods", done).unwrap();
        assert!(s.get("", "pods", "b", "held").is_none());
        // Without finalizers a DELETE removes at once.
        s.create("", "pods", pod("b", "free"), 0).unwrap();
        assert!(s.delete_or_mark("", "pods", "b", "free", 0).unwrap().1);
        assert!(s.get("", "pods", "b", "free").is_none());
    }
}
