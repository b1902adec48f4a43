//! `docker run` and a pod's securityContext, each in terms of the other: the flags the seed
//! explains (`--user`, `--cap-add`, `--cap-drop`, `--privileged`, `--security-opt`,
//! `--read-only`, `--group-add`, `--sysctl`, host namespaces) turned into the Pod kubectl would
//! create, and a container's effective settings written back as `docker run` flags.
//! See <https://docs.docker.com/reference/cli/docker/container/run/>.

use serde_json::{json, Map, Value};

use crate::sim::securitycontext::cap_name;

/// The Pod a `docker run` command line stands for (the words after `docker run`), or docker's
/// complaint about the flags.
pub fn pod_from_run(args: &[String]) -> Result<Value, String> {
    let mut sc = Map::new();
    let mut pod_sc = Map::new();
    let mut spec = Map::new();
    let (mut add, mut drop) = (Vec::new(), Vec::new());
    let mut name = None;
    let mut env = Vec::new();
    let mut ports = Vec::new();
    let mut i = 0;
    let value = |i: &mut usize, flag: &str, inline: Option<&str>| -> Result<String, String> {
        if let Some(v) = inline {
            return Ok(v.to_string());
        }
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("flag needs an argument: {flag}"))
    };
    while i < args.len() && args[i].starts_with('-') {
        let (flag, inline) = match args[i].split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v)),
            _ => (args[i].clone(), None),
        };
        match flag.as_str() {
            "-u" | "--user" => {
                let v = value(&mut i, &flag, inline)?;
                let (user, group) = match v.split_once(':') {
                    Some((u, g)) => (u.to_string(), Some(g.to_string())),
                    None => (v.clone(), None),
                };
                match user.parse::<i64>() {
                    Ok(uid) => {
                        sc.insert("runAsUser".into(), json!(uid));
                    }
                    Err(_) => {
                        return Err(format!(
                            "--user {user}: a securityContext takes numeric ids only (runAsUser); a user name is resolved inside the image, which Kubernetes cannot do"
                        ))
                    }
                }
                if let Some(g) = group {
                    match g.parse::<i64>() {
                        Ok(gid) => {
                            sc.insert("runAsGroup".into(), json!(gid));
                        }
                        Err(_) => {
                            return Err(format!(
                                "--user {v}: the group must be numeric (runAsGroup)"
                            ))
                        }
                    }
                }
            }
            "--cap-add" => add.push(cap_name(&value(&mut i, &flag, inline)?)),
            "--cap-drop" => drop.push(cap_name(&value(&mut i, &flag, inline)?)),
            "--privileged" => {
                sc.insert("privileged".into(), json!(true));
            }
            "--read-only" => {
                sc.insert("readOnlyRootFilesystem".into(), json!(true));
            }
            "--security-opt" => {
                let v = value(&mut i, &flag, inline)?;
                security_opt(&v, &mut sc)?;
            }
            "--group-add" => {
                let v = value(&mut i, &flag, inline)?;
                let gid: i64 = v.parse().map_err(|_| {
                    format!("--group-add {v}: supplementalGroups takes numeric ids")
                })?;
                if let Some(a) = pod_sc
                    .entry("supplementalGroups")
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                {
                    a.push(json!(gid));
                }
            }
            "--sysctl" => {
                let v = value(&mut i, &flag, inline)?;
                let (k, val) = v
                    .split_once('=')
                    .ok_or_else(|| format!("invalid argument \"{v}\" for \"--sysctl\" flag: sysctl '{v}' is not allowed"))?;
                if let Some(a) = pod_sc
                    .entry("sysctls")
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                {
                    a.push(json!({"name": k, "value": val}));
                }
            }
            "--userns" => {
                let v = value(&mut i, &flag, inline)?;
                if v == "host" {
                    spec.insert("hostUsers".into(), json!(true));
                }
            }
            "--net" | "--network" | "--pid" | "--ipc" => {
                let v = value(&mut i, &flag, inline)?;
                if v == "host" {
                    let field = match flag.as_str() {
                        "--pid" => "hostPID",
                        "--ipc" => "hostIPC",
                        _ => "hostNetwork",
                    };
                    spec.insert(field.into(), json!(true));
                }
            }
            "--name" => name = Some(value(&mut i, &flag, inline)?),
            "-e" | "--env" => {
                let v = value(&mut i, &flag, inline)?;
                let (k, val) = v.split_once('=').unwrap_or((&v, ""));
                env.push(json!({"name": k, "value": val}));
            }
            "-p" | "--publish" => {
                let v = value(&mut i, &flag, inline)?;
                let parts: Vec<&str> = v.split(':').collect();
                let (host, container) = match parts.as_slice() {
                    [c] => (None, *c),
                    [h, c] => (Some(*h), *c),
                    [_, h, c] => (Some(*h), *c),
                    _ => return Err(format!("invalid publish spec: {v}")),
                };
                let c: i64 = container
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .parse()
                    .map_err(|_| format!("invalid containerPort: {container}"))?;
                let mut p = json!({"containerPort": c});
                if let Some(h) = host.and_then(|h| h.parse::<i64>().ok()) {
                    p["hostPort"] = json!(h);
                }
                ports.push(p);
            }
            "-d" | "--detach" | "-i" | "--interactive" | "-t" | "--tty" | "-it" | "-ti"
            | "--rm" => {}
            _ => return Err(format!("unknown flag: {flag}")),
        }
        i += 1;
    }
    let Some(image) = args.get(i) else {
        return Err("\"docker run\" requires at least 1 argument".into());
    };
    let command: Vec<&String> = args[i + 1..].iter().collect();
    if !add.is_empty() || !drop.is_empty() {
        let mut caps = Map::new();
        if !add.is_empty() {
            caps.insert("add".into(), json!(add));
        }
        if !drop.is_empty() {
            caps.insert("drop".into(), json!(drop));
        }
        sc.insert("capabilities".into(), Value::Object(caps));
    }
    let container_name = name.clone().unwrap_or_else(|| default_name(image));
    let mut container = json!({"name": container_name, "image": image});
    if !command.is_empty() {
        container["args"] = json!(command);
    }
    if !env.is_empty() {
        container["env"] = json!(env);
    }
    if !ports.is_empty() {
        container["ports"] = json!(ports);
    }
    if !sc.is_empty() {
        container["securityContext"] = Value::Object(sc);
    }
    spec.insert("containers".into(), json!([container]));
    if !pod_sc.is_empty() {
        spec.insert("securityContext".into(), Value::Object(pod_sc));
    }
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": container_name},
        "spec": Value::Object(spec),
    }))
}

/// A name from the image, as `kubectl run` users choose one: the last path part, no tag.
fn default_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let base = last.split([':', '@']).next().unwrap_or(last);
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('-');
    if clean.is_empty() {
        "container".into()
    } else {
        clean.to_string()
    }
}

fn security_opt(v: &str, sc: &mut Map<String, Value>) -> Result<(), String> {
    let (k, val) = v.split_once(['=', ':']).unwrap_or((v, ""));
    match k {
        "no-new-privileges" => {
            let on = val.is_empty() || val == "true";
            sc.insert("allowPrivilegeEscalation".into(), json!(!on));
        }
        "seccomp" => {
            let p = match val {
                "unconfined" => json!({"type": "Unconfined"}),
                "" => return Err(format!("invalid --security-opt: {v:?}")),
                file => json!({"type": "Localhost", "localhostProfile": file}),
            };
            sc.insert("seccompProfile".into(), p);
        }
        "apparmor" => {
            let p = match val {
                "unconfined" => json!({"type": "Unconfined"}),
                "docker-default" | "runtime/default" => json!({"type": "RuntimeDefault"}),
                "" => return Err(format!("invalid --security-opt: {v:?}")),
                name => json!({"type": "Localhost", "localhostProfile": name}),
            };
            sc.insert("appArmorProfile".into(), p);
        }
        "label" => {
            let (part, value) = val.split_once(':').unwrap_or((val, ""));
            let field = match part {
                "user" => "user",
                "role" => "role",
                "type" => "type",
                "level" => "level",
                "disable" => {
                    return Err("--security-opt label=disable: Kubernetes has no field for it (seLinuxOptions only sets a label)".into())
                }
                _ => return Err(format!("invalid --security-opt: {v:?}")),
            };
            let opts = sc.entry("seLinuxOptions").or_insert_with(|| json!({}));
            opts[field] = json!(value);
        }
        _ => return Err(format!("invalid --security-opt: {v:?}")),
    }
    Ok(())
}

/// A container's effective settings as `docker run` flags (the container's image last).
pub fn run_flags(container: &Value, pod_spec: &Value) -> String {
    let sc = container.get("securityContext");
    let psc = pod_spec.get("securityContext");
    let field = |k: &str| -> Option<&Value> {
        sc.and_then(|s| s.get(k))
            .filter(|v| !v.is_null())
            .or_else(|| psc.and_then(|s| s.get(k)).filter(|v| !v.is_null()))
    };
    let mut out = vec!["docker run".to_string()];
    match (field("runAsUser"), field("runAsGroup")) {
        (Some(u), Some(g)) => out.push(format!("--user {u}:{g}")),
        (Some(u), None) => out.push(format!("--user {u}")),
        (None, Some(g)) => out.push(format!("--user <image user>:{g}")),
        _ => {}
    }
    for g in psc
        .and_then(|s| s.get("supplementalGroups"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push(format!("--group-add {g}"));
    }
    if sc
        .and_then(|s| s.get("privileged"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        out.push("--privileged".into());
    }
    let caps = sc.and_then(|s| s.get("capabilities"));
    for (k, flag) in [("drop", "--cap-drop"), ("add", "--cap-add")] {
        for c in caps
            .and_then(|c| c.get(k))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            out.push(format!("{flag} {c}"));
        }
    }
    if sc
        .and_then(|s| s.get("allowPrivilegeEscalation"))
        .and_then(Value::as_bool)
        == Some(false)
    {
        out.push("--security-opt no-new-privileges".into());
    }
    if let Some(p) = field("seccompProfile") {
        match p.get("type").and_then(Value::as_str) {
            Some("Unconfined") => out.push("--security-opt seccomp=unconfined".into()),
            Some("Localhost") => out.push(format!(
                "--security-opt seccomp={}",
                p.get("localhostProfile")
                    .and_then(Value::as_str)
                    .unwrap_or("")
            )),
            _ => {}
        }
    }
    if let Some(p) = field("appArmorProfile") {
        match p.get("type").and_then(Value::as_str) {
            Some("Unconfined") => out.push("--security-opt apparmor=unconfined".into()),
            Some("Localhost") => out.push(format!(
                "--security-opt apparmor={}",
                p.get("localhostProfile")
                    .and_then(Value::as_str)
                    .unwrap_or("")
            )),
            _ => {}
        }
    }
    if let Some(o) = field("seLinuxOptions").and_then(Value::as_object) {
        for k in ["user", "role", "type", "level"] {
            if let Some(v) = o.get(k).and_then(Value::as_str).filter(|v| !v.is_empty()) {
                out.push(format!("--security-opt label={k}:{v}"));
            }
        }
    }
    if sc
        .and_then(|s| s.get("readOnlyRootFilesystem"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        out.push("--read-only".into());
    }
    for s in psc
        .and_then(|s| s.get("sysctls"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = s.get("name").and_then(Value::as_str).unwrap_or("");
        let value = s.get("value").and_then(Value::as_str).unwrap_or("");
        out.push(format!("--sysctl {name}={value}"));
    }
    for (k, flag) in [
        ("hostNetwork", "--network host"),
        ("hostPID", "--pid host"),
        ("hostIPC", "--ipc host"),
    ] {
        if pod_spec.get(k).and_then(Value::as_bool) == Some(true) {
            out.push(flag.into());
        }
    }
    out.push(
        container
            .get("image")
            .and_then(Value::as_str)
            .unwrap_or("IMAGE")
            .to_string(),
    );
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Result<Value, String> {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        pod_from_run(&words)
    }

    #[test]
    fn the_seeds_docker_flags_become_a_security_context() {
        let pod = run(
            "--user 1000:3000 --cap-add MAC_ADMIN --cap-drop KILL --read-only ubuntu sleep 3600",
        )
        .unwrap();
        let c = &pod["spec"]["containers"][0];
        assert_eq!(c["name"], "ubuntu");
        assert_eq!(c["args"], json!(["sleep", "3600"]));
        assert_eq!(
            c["securityContext"],
            json!({"runAsUser": 1000, "runAsGroup": 3000, "readOnlyRootFilesystem": true,
                   "capabilities": {"add": ["MAC_ADMIN"], "drop": ["KILL"]}})
        );
        let pod =
            run("--privileged --security-opt no-new-privileges --net=host --name web nginx:1.27")
                .unwrap();
        assert_eq!(pod["metadata"]["name"], "web");
        assert_eq!(pod["spec"]["hostNetwork"], true);
        assert_eq!(
            pod["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"],
            false
        );
        assert!(run("--user root ubuntu").unwrap_err().contains("numeric"));
        assert_eq!(
            run("--frobnicate ubuntu").unwrap_err(),
            "unknown flag: --frobnicate"
        );
        assert_eq!(
            run("--cap-add").unwrap_err(),
            "flag needs an argument: --cap-add"
        );
    }

    #[test]
    fn a_security_context_reads_back_as_docker_flags() {
        let pod = run("--user 1000:3000 --cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges --security-opt seccomp=unconfined nginx").unwrap();
        let flags = run_flags(&pod["spec"]["containers"][0], &pod["spec"]);
        assert_eq!(flags, "docker run --user 1000:3000 --cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges --security-opt seccomp=unconfined nginx");
    }
}
