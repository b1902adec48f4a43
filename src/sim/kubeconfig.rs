//! The kubeconfig (`kind: Config`): clusters, users, contexts and the current context, merged
//! with kubectl's first-wins rules and resolved into what kubectl sends.
//! See <https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/>.

use serde_json::{json, Map, Value};

use super::schema::Schema;

/// Reads a kubeconfig from its JSON form, as Go's decoder does: `null` or a missing field is
/// the zero value, unknown fields are ignored (the workspace warns about them), a wrong type is
/// an error naming the field.
pub fn from_json(value: Value) -> Result<Kubeconfig, String> {
    let empty = Map::new();
    let root = object(&value, "Config")?.unwrap_or(&empty);
    let mut k = Kubeconfig {
        current_context: string(root, "current-context", "Config")?,
        preferences: kept(root, "preferences"),
        extensions: kept(root, "extensions"),
        ..Default::default()
    };
    for c in objects(root, "clusters", "Config")? {
        let inner = object(c.get("cluster").unwrap_or(&Value::Null), "Cluster")?.unwrap_or(&empty);
        let f = "Cluster.cluster";
        k.clusters.push(NamedCluster {
            name: string(c, "name", "NamedCluster")?,
            cluster: Cluster {
                server: string(inner, "server", f)?,
                certificate_authority: string(inner, "certificate-authority", f)?,
                certificate_authority_data: string(inner, "certificate-authority-data", f)?,
                insecure_skip_tls_verify: boolean(inner, "insecure-skip-tls-verify", f)?,
                tls_server_name: string(inner, "tls-server-name", f)?,
                proxy_url: string(inner, "proxy-url", f)?,
                disable_compression: boolean(inner, "disable-compression", f)?,
                extensions: kept(inner, "extensions"),
            },
        });
    }
    for c in objects(root, "contexts", "Config")? {
        let inner = object(c.get("context").unwrap_or(&Value::Null), "Context")?.unwrap_or(&empty);
        let f = "Context.context";
        k.contexts.push(NamedContext {
            name: string(c, "name", "NamedContext")?,
            context: Context {
                cluster: string(inner, "cluster", f)?,
                user: string(inner, "user", f)?,
                namespace: string(inner, "namespace", f)?,
                extensions: kept(inner, "extensions"),
            },
        });
    }
    for u in objects(root, "users", "Config")? {
        let inner = object(u.get("user").unwrap_or(&Value::Null), "AuthInfo")?.unwrap_or(&empty);
        let f = "AuthInfo.user";
        let groups = match inner.get("as-groups") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|g| match g {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(mismatch(other, f, "as-groups", "string")),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(mismatch(other, f, "as-groups", "[]string")),
        };
        k.users.push(NamedUser {
            name: string(u, "name", "NamedAuthInfo")?,
            user: AuthInfo {
                client_certificate: string(inner, "client-certificate", f)?,
                client_certificate_data: string(inner, "client-certificate-data", f)?,
                client_key: string(inner, "client-key", f)?,
                client_key_data: string(inner, "client-key-data", f)?,
                token: string(inner, "token", f)?,
                token_file: string(inner, "tokenFile", f)?,
                impersonate: string(inner, "as", f)?,
                impersonate_groups: groups,
                impersonate_uid: string(inner, "as-uid", f)?,
                impersonate_extra: kept(inner, "as-user-extra"),
                username: string(inner, "username", f)?,
                password: string(inner, "password", f)?,
                exec: kept(inner, "exec"),
                auth_provider: kept(inner, "auth-provider"),
                extensions: kept(inner, "extensions"),
            },
        });
    }
    Ok(k)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Go's `json: cannot unmarshal X into Go struct field S.f of type T`.
fn mismatch(v: &Value, strukt: &str, field: &str, ty: &str) -> String {
    format!(
        "json: cannot unmarshal {} into Go struct field {strukt}.{field} of type {ty}",
        json_kind(v)
    )
}

fn object<'a>(v: &'a Value, what: &str) -> Result<Option<&'a Map<String, Value>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Object(m) => Ok(Some(m)),
        other => Err(format!(
            "json: cannot unmarshal {} into Go value of type v1.{what}",
            json_kind(other)
        )),
    }
}

fn string(m: &Map<String, Value>, key: &str, strukt: &str) -> Result<String, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(mismatch(other, strukt, key, "string")),
    }
}

fn boolean(m: &Map<String, Value>, key: &str, strukt: &str) -> Result<bool, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(mismatch(other, strukt, key, "bool")),
    }
}

/// A field kept as it is (`null` when missing).
fn kept(m: &Map<String, Value>, key: &str) -> Value {
    m.get(key).cloned().unwrap_or(Value::Null)
}

fn objects<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    strukt: &str,
) -> Result<Vec<&'a Map<String, Value>>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .filter(|i| !i.is_null())
            .map(|i| {
                i.as_object()
                    .ok_or_else(|| mismatch(i, strukt, key, "object"))
            })
            .collect(),
        Some(other) => Err(mismatch(other, strukt, key, "array")),
    }
}

/// A kubeconfig, as kubectl writes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kubeconfig {
    /// Named clusters.
    pub clusters: Vec<NamedCluster>,
    /// Named contexts.
    pub contexts: Vec<NamedContext>,
    /// Named users.
    pub users: Vec<NamedUser>,
    /// The context used when `--context` is not given.
    pub current_context: String,
    /// Preferences (kept, unused).
    pub preferences: Value,
    /// Extensions (kept, unused).
    pub extensions: Value,
}

/// A cluster entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NamedCluster {
    /// Its name.
    pub name: String,
    /// The cluster.
    pub cluster: Cluster,
}

/// How to reach a cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cluster {
    /// The API server URL.
    pub server: String,
    /// Path of the CA bundle.
    pub certificate_authority: String,
    /// The CA bundle, base64 PEM.
    pub certificate_authority_data: String,
    /// Skip verifying the server's certificate.
    pub insecure_skip_tls_verify: bool,
    /// The name to check the server's certificate against.
    pub tls_server_name: String,
    /// A proxy for requests to this cluster.
    pub proxy_url: String,
    /// Turn off response compression.
    pub disable_compression: bool,
    /// Extensions (kept, unused).
    pub extensions: Value,
}

/// A context entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NamedContext {
    /// Its name.
    pub name: String,
    /// The context.
    pub context: Context,
}

/// A cluster + user + namespace triple.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    /// Cluster name.
    pub cluster: String,
    /// User name.
    pub user: String,
    /// Default namespace.
    pub namespace: String,
    /// Extensions (kept, unused).
    pub extensions: Value,
}

/// A user entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NamedUser {
    /// Its name.
    pub name: String,
    /// The credentials.
    pub user: AuthInfo,
}

/// Credentials.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuthInfo {
    /// Path of a client certificate.
    pub client_certificate: String,
    /// Client certificate, base64 PEM.
    pub client_certificate_data: String,
    /// Path of the client key.
    pub client_key: String,
    /// Client key, base64 PEM.
    pub client_key_data: String,
    /// Bearer token.
    pub token: String,
    /// Path of a file holding the bearer token.
    pub token_file: String,
    /// User to impersonate.
    pub impersonate: String,
    /// Groups to impersonate.
    pub impersonate_groups: Vec<String>,
    /// UID to impersonate.
    pub impersonate_uid: String,
    /// Extra fields to impersonate.
    pub impersonate_extra: Value,
    /// Basic-auth user name.
    pub username: String,
    /// Basic-auth password.
    pub password: String,
    /// An exec credential plugin (shown, never run).
    pub exec: Value,
    /// An auth-provider plugin (shown, never run).
    pub auth_provider: Value,
    /// Extensions (kept, unused).
    pub extensions: Value,
}

const STRS: Schema = Schema::List(&Schema::Str);

/// The shape of a kubeconfig document.
pub const SCHEMA: Schema = Schema::Obj(&[
    ("apiVersion", Schema::Str),
    ("kind", Schema::Str),
    ("preferences", Schema::Any),
    ("current-context", Schema::Str),
    ("extensions", Schema::Any),
    (
        "clusters",
        Schema::List(&Schema::Obj(&[
            ("name", Schema::Str),
            (
                "cluster",
                Schema::Obj(&[
                    ("server", Schema::Str),
                    ("certificate-authority", Schema::Str),
                    ("certificate-authority-data", Schema::Str),
                    ("insecure-skip-tls-verify", Schema::Bool),
                    ("tls-server-name", Schema::Str),
                    ("proxy-url", Schema::Str),
                    ("disable-compression", Schema::Bool),
                    ("extensions", Schema::Any),
                ]),
            ),
        ])),
    ),
    (
        "contexts",
        Schema::List(&Schema::Obj(&[
            ("name", Schema::Str),
            (
                "context",
                Schema::Obj(&[
                    ("cluster", Schema::Str),
                    ("user", Schema::Str),
                    ("namespace", Schema::Str),
                    ("extensions", Schema::Any),
                ]),
            ),
        ])),
    ),
    (
        "users",
        Schema::List(&Schema::Obj(&[
            ("name", Schema::Str),
            (
                "user",
                Schema::Obj(&[
                    ("client-certificate", Schema::Str),
                    ("client-certificate-data", Schema::Str),
                    ("client-key", Schema::Str),
                    ("client-key-data", Schema::Str),
                    ("token", Schema::Str),
                    ("tokenFile", Schema::Str),
                    ("as", Schema::Str),
                    ("as-uid", Schema::Str),
                    ("as-groups", STRS),
                    ("as-user-extra", Schema::Any),
                    ("username", Schema::Str),
                    ("password", Schema::Str),
                    ("auth-provider", Schema::Any),
                    ("exec", Schema::Any),
                    ("extensions", Schema::Any),
                ]),
            ),
        ])),
    ),
]);

impl Kubeconfig {
    /// Merges `other` into `self` with kubectl's rules: the first file to define a name keeps
    /// the whole entry, and the first non-empty current-context wins.
    pub fn merge(&mut self, other: Kubeconfig) {
        for c in other.clusters {
            if !self.clusters.iter().any(|x| x.name == c.name) {
                self.clusters.push(c);
            }
        }
        for c in other.contexts {
            if !self.contexts.iter().any(|x| x.name == c.name) {
                self.contexts.push(c);
            }
        }
        for u in other.users {
            if !self.users.iter().any(|x| x.name == u.name) {
                self.users.push(u);
            }
        }
        if self.current_context.is_empty() {
            self.current_context = other.current_context;
        }
    }

    /// A context by name.
    pub fn context(&self, name: &str) -> Option<&Context> {
        self.contexts
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.context)
    }

    /// A cluster by name.
    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        self.clusters
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.cluster)
    }

    /// A user by name.
    pub fn user(&self, name: &str) -> Option<&AuthInfo> {
        self.users.iter().find(|c| c.name == name).map(|c| &c.user)
    }
}

impl Kubeconfig {
    /// The kubeconfig as kubectl serialises a v1 `Config`: fields in struct order (what `-o json`
    /// shows), empty ones left out, every list sorted by name (kubectl keeps them in maps).
    pub fn to_value(&self) -> Value {
        let k = self;
        fn put(m: &mut Map<String, Value>, key: &str, v: Value) {
            let empty = match &v {
                Value::Null => true,
                Value::String(s) => s.is_empty(),
                Value::Bool(b) => !b,
                Value::Array(a) => a.is_empty(),
                _ => false,
            };
            if !empty {
                m.insert(key.into(), v);
            }
        }
        let mut clusters: Vec<&NamedCluster> = k.clusters.iter().collect();
        crate::sim::sort::by(&mut clusters, &|a, b| a.name.cmp(&b.name));
        let mut users: Vec<&NamedUser> = k.users.iter().collect();
        crate::sim::sort::by(&mut users, &|a, b| a.name.cmp(&b.name));
        let mut contexts: Vec<&NamedContext> = k.contexts.iter().collect();
        crate::sim::sort::by(&mut contexts, &|a, b| a.name.cmp(&b.name));
        let cluster = |c: &Cluster| {
            let mut m = Map::new();
            put(&mut m, "server", json!(c.server));
            put(&mut m, "tls-server-name", json!(c.tls_server_name));
            put(
                &mut m,
                "insecure-skip-tls-verify",
                json!(c.insecure_skip_tls_verify),
            );
            put(
                &mut m,
                "certificate-authority",
                json!(c.certificate_authority),
            );
            put(
                &mut m,
                "certificate-authority-data",
                json!(c.certificate_authority_data),
            );
            put(&mut m, "proxy-url", json!(c.proxy_url));
            put(&mut m, "disable-compression", json!(c.disable_compression));
            put(&mut m, "extensions", c.extensions.clone());
            Value::Object(m)
        };
        let user = |u: &AuthInfo| {
            let mut m = Map::new();
            put(&mut m, "client-certificate", json!(u.client_certificate));
            put(
                &mut m,
                "client-certificate-data",
                json!(u.client_certificate_data),
            );
            put(&mut m, "client-key", json!(u.client_key));
            put(&mut m, "client-key-data", json!(u.client_key_data));
            put(&mut m, "token", json!(u.token));
            put(&mut m, "tokenFile", json!(u.token_file));
            put(&mut m, "as", json!(u.impersonate));
            put(&mut m, "as-uid", json!(u.impersonate_uid));
            put(&mut m, "as-groups", json!(u.impersonate_groups));
            put(&mut m, "as-user-extra", u.impersonate_extra.clone());
            put(&mut m, "username", json!(u.username));
            put(&mut m, "password", json!(u.password));
            put(&mut m, "auth-provider", u.auth_provider.clone());
            put(&mut m, "exec", exec_with_defaults(&u.exec));
            put(&mut m, "extensions", u.extensions.clone());
            Value::Object(m)
        };
        let context = |c: &Context| {
            let mut m = Map::new();
            put(&mut m, "cluster", json!(c.cluster));
            put(&mut m, "user", json!(c.user));
            put(&mut m, "namespace", json!(c.namespace));
            put(&mut m, "extensions", c.extensions.clone());
            Value::Object(m)
        };
        let mut m = Map::new();
        m.insert("kind".into(), json!("Config"));
        m.insert("apiVersion".into(), json!("v1"));
        if k.preferences.as_object().is_some_and(|p| !p.is_empty()) {
            m.insert("preferences".into(), k.preferences.clone());
        }
        let list = |items: Vec<Value>| {
            if items.is_empty() {
                Value::Null
            } else {
                Value::Array(items)
            }
        };
        m.insert(
            "clusters".into(),
            list(
                clusters
                    .iter()
                    .map(|c| json!({"name": c.name, "cluster": cluster(&c.cluster)}))
                    .collect(),
            ),
        );
        m.insert(
            "users".into(),
            list(
                users
                    .iter()
                    .map(|u| json!({"name": u.name, "user": user(&u.user)}))
                    .collect(),
            ),
        );
        m.insert(
            "contexts".into(),
            list(
                contexts
                    .iter()
                    .map(|c| json!({"name": c.name, "context": context(&c.context)}))
                    .collect(),
            ),
        );
        m.insert("current-context".into(), json!(k.current_context));
        put(&mut m, "extensions", k.extensions.clone());
        Value::Object(m)
    }

    /// The kubeconfig file as kubectl writes it (YAML, keys sorted).
    pub fn to_yaml(&self) -> String {
        super::yamlout::to_yaml(&self.to_value())
    }
}

/// An exec credential plugin as client-go holds it: `env`, `provideClusterInfo` and (before
/// the v1 API) `interactiveMode: IfAvailable` filled in, fields in struct order.
fn exec_with_defaults(exec: &Value) -> Value {
    let Some(m) = exec.as_object() else {
        return exec.clone();
    };
    let mut out = Map::new();
    for k in [
        "command",
        "args",
        "env",
        "apiVersion",
        "installHint",
        "provideClusterInfo",
        "interactiveMode",
    ] {
        let v = match (k, m.get(k)) {
            (_, Some(v)) => v.clone(),
            ("env", None) => Value::Null,
            ("provideClusterInfo", None) => json!(false),
            ("interactiveMode", None)
                if m.get("apiVersion").and_then(Value::as_str)
                    != Some("client.authentication.k8s.io/v1") =>
            {
                json!("IfAvailable")
            }
            _ => continue,
        };
        out.insert(k.into(), v);
    }
    for (k, v) in m {
        out.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(out)
}

/// Command-line overrides of the kubeconfig (kubectl's global flags).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Overrides {
    /// `--context`.
    pub context: Option<String>,
    /// `--cluster`.
    pub cluster: Option<String>,
    /// `--user`.
    pub user: Option<String>,
    /// `-n/--namespace`.
    pub namespace: Option<String>,
    /// `--token`.
    pub token: Option<String>,
    /// `--as`.
    pub impersonate: Option<String>,
    /// `--as-group`, repeatable.
    pub impersonate_groups: Vec<String>,
    /// `--as-uid`.
    pub impersonate_uid: Option<String>,
    /// `--as-user-extra key=value`, repeatable.
    pub impersonate_extra: Vec<(String, String)>,
    /// `--client-certificate`, `--client-key`, `--username`, `--password`: merged over the
    /// user's fields as clientcmd merges overrides (a given flag replaces that one field).
    pub client_certificate: Option<String>,
    /// `--client-key`.
    pub client_key: Option<String>,
    /// `--username`.
    pub username: Option<String>,
    /// `--password`.
    pub password: Option<String>,
    /// `--certificate-authority`.
    pub certificate_authority: Option<String>,
}

/// What kubectl ends up using for a command.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClientConfig {
    /// The context used (may be empty).
    pub context: String,
    /// The API server URL.
    pub server: String,
    /// The namespace for namespaced requests.
    pub namespace: String,
    /// Whether the namespace came from `-n` or the context (not the `default` fallback).
    pub namespace_explicit: bool,
    /// The kubeconfig user name used.
    pub user_name: String,
    /// The credentials.
    pub auth: AuthInfo,
    /// The kubeconfig cluster name used.
    pub cluster_name: String,
    /// The cluster's `certificate-authority` file, if it names one.
    pub certificate_authority: String,
    /// The cluster's `certificate-authority-data` (base64), if it has one.
    pub certificate_authority_data: String,
}

impl Kubeconfig {
    /// The first `*-data` field that is not base64, as client-go's decoder meets them (the
    /// kubeconfig's keys in sorted order: clusters before users, a user's certificate before
    /// its key), with Go's message (`illegal base64 data at input byte 4`). kubectl refuses to
    /// load such a file at all.
    pub fn base64_problem(&self) -> Option<String> {
        let clusters = self
            .clusters
            .iter()
            .map(|c| c.cluster.certificate_authority_data.as_str());
        let users = self.users.iter().flat_map(|u| {
            [
                u.user.client_certificate_data.as_str(),
                u.user.client_key_data.as_str(),
            ]
        });
        clusters.chain(users).find_map(|data| {
            crate::sim::b64::go_std_decode(data.as_bytes())
                .err()
                .map(|e| e.to_string())
        })
    }

    /// Resolves the effective client configuration, or kubectl's configuration error text.
    pub fn resolve(&self, o: &Overrides) -> Result<ClientConfig, String> {
        let context_name = o
            .context
            .clone()
            .unwrap_or_else(|| self.current_context.clone());
        // As client-go 1.37 does it: a missing --context is a configuration error, a missing
        // --user or --cluster named on the command line is refused, but a context whose own
        // cluster or user is missing just leaves them empty (kubectl then dials localhost:8080).
        let ctx = if context_name.is_empty() {
            Context::default()
        } else {
            match self.context(&context_name) {
                Some(c) => c.clone(),
                None => {
                    return Err(format!(
                        "Error in configuration: context was not found for specified context: {context_name}"
                    ))
                }
            }
        };
        if let Some(u) = o.user.as_deref().filter(|u| self.user(u).is_none()) {
            return Err(format!("error: auth info \"{u}\" does not exist"));
        }
        if let Some(c) = o.cluster.as_deref().filter(|c| self.cluster(c).is_none()) {
            return Err(format!("error: no server found for cluster \"{c}\""));
        }
        let cluster_name = o.cluster.clone().unwrap_or(ctx.cluster.clone());
        let user_name = o.user.clone().unwrap_or(ctx.user.clone());
        let cluster = self.cluster(&cluster_name).cloned();
        let mut auth = self.user(&user_name).cloned().unwrap_or_default();
        // `--token` is merged over the user's credentials (client certificates stay, and a
        // verified certificate then still wins on the server), as clientcmd's overrides do.
        if let Some(t) = &o.token {
            auth.token = t.clone();
            auth.token_file.clear();
        }
        for (flag, field) in [
            (&o.client_certificate, &mut auth.client_certificate),
            (&o.client_key, &mut auth.client_key),
            (&o.username, &mut auth.username),
            (&o.password, &mut auth.password),
        ] {
            if let Some(v) = flag.as_ref().filter(|v| !v.is_empty()) {
                *field = v.clone();
            }
        }
        if let Some(a) = &o.impersonate {
            auth.impersonate = a.clone();
        }
        if !o.impersonate_groups.is_empty() {
            auth.impersonate_groups = o.impersonate_groups.clone();
        }
        if let Some(u) = &o.impersonate_uid {
            auth.impersonate_uid = u.clone();
        }
        if !o.impersonate_extra.is_empty() {
            let mut extra = Map::new();
            for (k, v) in &o.impersonate_extra {
                let entry = extra.entry(k.clone()).or_insert_with(|| json!([]));
                if let Some(list) = entry.as_array_mut() {
                    list.push(json!(v));
                }
            }
            auth.impersonate_extra = Value::Object(extra);
        }
        // `-n ''` counts as not given (clientcmd ignores empty overrides).
        let given = o.namespace.as_ref().filter(|n| !n.is_empty());
        let (namespace, namespace_explicit) = match (given, ctx.namespace.is_empty()) {
            (Some(n), _) => (n.clone(), true),
            (None, false) => (ctx.namespace.clone(), true),
            (None, true) => ("default".to_string(), false),
        };
        Ok(ClientConfig {
            context: context_name,
            server: cluster
                .as_ref()
                .map(|c| c.server.clone())
                .unwrap_or_default(),
            namespace,
            namespace_explicit,
            user_name,
            auth,
            certificate_authority: o
                .certificate_authority
                .clone()
                .filter(|c| !c.is_empty())
                .or_else(|| cluster.as_ref().map(|c| c.certificate_authority.clone()))
                .unwrap_or_default(),
            certificate_authority_data: cluster
                .map(|c| c.certificate_authority_data)
                .unwrap_or_default(),
            cluster_name,
        })
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn from_json_takes_nulls_as_zero_values_and_names_wrong_types() {
        let k = from_json(
            json!({"clusters": null, "contexts": [{"name": "c", "context": null}],
            "users": [{"name": "u", "user": {"token": "t", "as-groups": ["g"], "unknown": 1}}],
            "current-context": "c"}),
        )
        .unwrap();
        assert_eq!(k.contexts[0].context, Context::default());
        assert_eq!(k.users[0].user.impersonate_groups, ["g"]);
        assert_eq!(k.current_context, "c");
        assert_eq!(
            from_json(json!({"clusters": [{"name": "k", "cluster": {"server": 6443}}]})).unwrap_err(),
            "json: cannot unmarshal number into Go struct field Cluster.cluster.server of type string"
        );
        assert_eq!(
            from_json(json!({"users": "x"})).unwrap_err(),
            "json: cannot unmarshal string into Go struct field Config.users of type array"
        );
    }

    use super::*;

    fn cfg(current: &str, ctxs: &[(&str, &str, &str, &str)]) -> Kubeconfig {
        Kubeconfig {
            current_context: current.into(),
            contexts: ctxs
                .iter()
                .map(|(n, c, u, ns)| NamedContext {
                    name: n.to_string(),
                    context: Context {
                        cluster: c.to_string(),
                        user: u.to_string(),
                        namespace: ns.to_string(),
                        ..Default::default()
                    },
                })
                .collect(),
            clusters: vec![NamedCluster {
                name: "k".into(),
                cluster: Cluster {
                    server: "https://10.0.0.1:6443".into(),
                    ..Default::default()
                },
            }],
            users: vec![NamedUser {
                name: "u".into(),
                user: AuthInfo {
                    token: "t".into(),
                    ..Default::default()
                },
            }],
            ..Default::default()
        }
    }

    #[test]
    fn merge_is_first_wins() {
        let mut a = cfg("one", &[("one", "k", "u", "a")]);
        let b = cfg("two", &[("one", "k", "u", "b"), ("two", "k", "u", "")]);
        a.merge(b);
        assert_eq!(a.current_context, "one");
        assert_eq!(a.context("one").unwrap().namespace, "a");
        assert!(a.context("two").is_some());
    }

    #[test]
    fn resolution_and_its_errors() {
        let c = cfg(
            "one",
            &[("one", "k", "u", "blue"), ("bad", "nope", "u", "")],
        );
        let r = c.resolve(&Overrides::default()).unwrap();
        assert_eq!((r.namespace.as_str(), r.auth.token.as_str()), ("blue", "t"));
        let r = c
            .resolve(&Overrides {
                namespace: Some("red".into()),
                impersonate: Some("bob".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            (r.namespace.as_str(), r.auth.impersonate.as_str()),
            ("red", "bob")
        );
        assert_eq!(
            c.resolve(&Overrides {
                context: Some("nosuch".into()),
                ..Default::default()
            })
            .unwrap_err(),
            "Error in configuration: context was not found for specified context: nosuch"
        );
        // A context whose cluster is missing is usable: no server (kubectl dials localhost).
        let r = c
            .resolve(&Overrides {
                context: Some("bad".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(r.server, "");
        assert_eq!(
            c.resolve(&Overrides {
                user: Some("ghost".into()),
                ..Default::default()
            })
            .unwrap_err(),
            "error: auth info \"ghost\" does not exist"
        );
        assert_eq!(
            c.resolve(&Overrides {
                cluster: Some("gone".into()),
                ..Default::default()
            })
            .unwrap_err(),
            "error: no server found for cluster \"gone\""
        );
    }
}
