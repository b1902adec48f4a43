//! A session: one workspace booted into a cluster, and the kubectl commands and raw requests
//! run against it in order. The UI and the CLI both drive the engine through this.
//! See <https://kubernetes.io/docs/reference/kubectl/>.

use super::cluster::Cluster;
use super::http::HttpRequest;
use super::kubeconfig::Kubeconfig;
use super::kubectl::{self, Env, Outcome};
use super::trace::RequestTrace;
use super::workspace::{self, Diagnostic};

/// kubectl's working directory on the simulated control-plane node.
pub const HOME: &str = "/root";

/// A booted workspace.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cluster.
    pub cluster: Cluster,
    /// kubectl's kubeconfig (changed by `kubectl config`).
    pub kubeconfig: Kubeconfig,
    /// Warnings from parsing and booting.
    pub warnings: Vec<Diagnostic>,
}

impl Session {
    /// Parses and boots a workspace; errors come back with every diagnostic.
    pub fn new(text: &str) -> Result<Session, Vec<Diagnostic>> {
        Self::from_parsed(workspace::parse(text))
    }

    /// Boots a workspace already parsed (the page reads the text when typing pauses, and
    /// boots from that reading instead of parsing again).
    pub fn from_parsed(parsed: workspace::Parsed) -> Result<Session, Vec<Diagnostic>> {
        let Some(ws) = parsed.workspace else {
            return Err(parsed.diagnostics);
        };
        let mut warnings = parsed.diagnostics;
        let kubeconfig = ws.kubeconfig.clone();
        match Cluster::boot(ws) {
            Ok((cluster, boot_diags)) => {
                warnings.extend(boot_diags);
                crate::sim::sort::by_key(&mut warnings, &|d| d.pos);
                Ok(Session {
                    cluster,
                    kubeconfig,
                    warnings,
                })
            }
            Err(mut diags) => {
                diags.extend(warnings);
                crate::sim::sort::by_key(&mut diags, &|d| d.pos);
                Err(diags)
            }
        }
    }

    /// Runs one kubectl command line. `$(kubectl …)` inside it is replaced by that command's
    /// output first, as a shell would (`--token=$(kubectl create token robot)`); the inner
    /// command's requests and error output come first in the outcome.
    pub fn kubectl(&mut self, line: &str, stdin: Option<&str>) -> Outcome {
        // `… | base64 -d > file 2>&1` at the end of the line, as a shell would run it.
        let (line, redirects) = split_redirects(line);
        let (line, decode) = split_base64_pipe(&line);
        let mut out = self.kubectl_substituted(&line, stdin);
        if decode {
            match crate::sim::b64::STANDARD.decode(out.stdout.trim()) {
                Ok(bytes) => out.stdout = String::from_utf8_lossy(&bytes).into_owned(),
                Err(_) => {
                    out.stdout.clear();
                    out.stderr.push_str("base64: invalid input\n");
                    out.exit_code = 1;
                }
            }
        }
        self.redirect(&mut out, &redirects);
        out
    }

    /// Applies a command's redirections in the shell's order: each sends a stream to a file
    /// on the node (`>` replaces it, `>>` appends), to `/dev/null`, or (`2>&1`) to where the
    /// standard output goes at that point.
    fn redirect(&mut self, out: &mut Outcome, redirects: &[Redirect]) {
        #[derive(Clone, PartialEq)]
        enum To {
            Terminal,
            File(String, bool),
        }
        let (mut stdout_to, mut stderr_to) = (To::Terminal, To::Terminal);
        for r in redirects {
            let target = match &r.target {
                None => stdout_to.clone(),
                Some(path) => {
                    let full = if path.starts_with('/') {
                        path.clone()
                    } else {
                        format!("{HOME}/{path}")
                    };
                    // The shell creates (or empties) the file as it sets the redirection up.
                    if !r.append && full != "/dev/null" {
                        self.cluster
                            .control_plane
                            .files
                            .insert(full.clone(), String::new());
                    }
                    To::File(full, r.append)
                }
            };
            if r.fd == 2 {
                stderr_to = target;
            } else {
                stdout_to = target;
            }
        }
        let streams = [
            (stdout_to, std::mem::take(&mut out.stdout)),
            (stderr_to, std::mem::take(&mut out.stderr)),
        ];
        for (i, (to, text)) in streams.into_iter().enumerate() {
            match to {
                To::Terminal if i == 0 => out.stdout.push_str(&text),
                To::Terminal => out.stderr.push_str(&text),
                To::File(path, _) if path == "/dev/null" => {}
                To::File(path, _) => self
                    .cluster
                    .control_plane
                    .files
                    .entry(path)
                    .or_default()
                    .push_str(&text),
            }
        }
    }

    fn kubectl_substituted(&mut self, line: &str, stdin: Option<&str>) -> Outcome {
        let mut before = Outcome::default();
        let line = match self.substitute(line, &mut before) {
            Ok(l) => l,
            Err(e) => {
                before.stderr.push_str(&format!("error: {e}\n"));
                before.exit_code = 1;
                return before;
            }
        };
        let mut out = match kubectl::args::split_words(&line) {
            Ok(words) if matches!(words.first().map(String::as_str), Some("sleep" | "date")) => {
                self.clock_command(&words)
            }
            Ok(words) if words.first().map(String::as_str) == Some("docker") => {
                docker_command(&words, self.cluster.control_plane.minor)
            }
            Ok(words)
                if words.first().map(String::as_str) == Some("kubegate")
                    && words.get(1).map(String::as_str) == Some("security") =>
            {
                self.security_command(&words[2..], stdin)
            }
            Ok(words) => self.kubectl_words(&words, stdin),
            Err(e) => Outcome {
                stderr: format!("error: {e}\n"),
                exit_code: 1,
                ..Default::default()
            },
        };
        if !before.requests.is_empty() || !before.stderr.is_empty() {
            before.requests.append(&mut out.requests);
            out.requests = before.requests;
            out.stderr = format!("{}{}", before.stderr, out.stderr);
        }
        out
    }

    /// Expands `$(kubectl …)` command substitutions (not nested, and not inside single quotes,
    /// where a shell leaves them alone), keeping what they did in `acc`. Only kubectl commands
    /// can run here.
    fn substitute(&mut self, line: &str, acc: &mut Outcome) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = line;
        while let Some(start) = find_substitution(rest) {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else {
                return Err("unexpected EOF while looking for matching `)'".into());
            };
            let inner = after[..end].trim();
            // `… | base64 -d` (a Secret's data) is the one pipe understood.
            let (inner, decode) = match inner.rsplit_once('|') {
                Some((cmd, filter)) => match filter.split_whitespace().collect::<Vec<_>>()[..] {
                    ["base64", "-d" | "--decode"] => (cmd.trim(), true),
                    _ => {
                        return Err(format!(
                            "only `| base64 -d` can follow a command here, not `|{filter}`"
                        ))
                    }
                },
                None => (inner, false),
            };
            if !inner.starts_with("kubectl ") {
                return Err(format!(
                    "only kubectl commands can be substituted here, not `{inner}`"
                ));
            }
            let words = kubectl::args::split_words(inner)?;
            let mut res = self.kubectl_words(&words, None);
            acc.stderr.push_str(&res.stderr);
            acc.requests.append(&mut res.requests);
            let mut text = res.stdout;
            if decode {
                match crate::sim::b64::STANDARD.decode(text.trim()) {
                    Ok(bytes) => text = String::from_utf8_lossy(&bytes).into_owned(),
                    Err(_) => {
                        acc.stderr.push_str("base64: invalid input\n");
                        text.clear();
                    }
                }
            }
            out.push_str(text.trim_end_matches('\n'));
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `sleep DURATION` moves the simulated clock forward (token expiry, rate limits, ages
    /// and everything else that reads the time follow it); `date` prints it.
    fn clock_command(&mut self, words: &[String]) -> Outcome {
        let mut out = Outcome::default();
        if words[0] == "date" {
            out.stdout = format!("{}\n", crate::sim::clock::format_date(self.cluster.now));
            return out;
        }
        match crate::sim::clock::parse_sleep(&words[1..]) {
            Ok(secs) => self.cluster.now = self.cluster.now.saturating_add(secs),
            Err(e) => {
                out.stderr = format!("{e}\n");
                out.exit_code = 1;
            }
        }
        out
    }

    /// `kubegate security (TYPE NAME | TYPE/NAME | -f FILE) [-n NS]`: the security card of a
    /// pod or a workload's pod template, read from the cluster (as the current user, with
    /// `kubectl get`) or from a file.
    fn security_command(&mut self, args: &[String], stdin: Option<&str>) -> Outcome {
        let fail = |msg: String| Outcome {
            stderr: format!("{msg}\n"),
            exit_code: 1,
            ..Default::default()
        };
        let usage = "usage: kubegate security (TYPE NAME | TYPE/NAME | -f FILE) [-n NAMESPACE]";
        let (mut file, mut ns, mut rest) = (None, None, Vec::new());
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-f" | "--filename" => {
                    i += 1;
                    file = args.get(i).cloned();
                }
                "-n" | "--namespace" => {
                    i += 1;
                    ns = args.get(i).cloned();
                }
                a if a.starts_with("--namespace=") => ns = Some(a[12..].to_string()),
                a if a.starts_with("-f=") || a.starts_with("--filename=") => {
                    file = a.split_once('=').map(|(_, f)| f.to_string())
                }
                a => rest.push(a.to_string()),
            }
            i += 1;
        }
        let mut out = Outcome::default();
        let obj: serde_json::Value = if let Some(f) = file {
            let text = if f == "-" {
                stdin.map(str::to_string)
            } else {
                let path = if f.starts_with('/') {
                    f.clone()
                } else {
                    format!("{HOME}/{f}")
                };
                self.cluster.control_plane.files.get(&path).cloned()
            };
            let Some(text) = text else {
                return fail(format!("error: the path \"{f}\" does not exist"));
            };
            match super::yaml::parse_stream(&text) {
                Ok(docs) => match docs.into_iter().find(|d| !d.empty) {
                    Some(d) => {
                        // As the API server's decoder reads it: a value that does not fit its
                        // field is an error at its line and column, not a card of guesses.
                        let text_of = |k: &str| {
                            d.root
                                .get(k)
                                .and_then(super::yaml::Node::as_str)
                                .unwrap_or("")
                                .to_string()
                        };
                        let (api_version, kind) = (text_of("apiVersion"), text_of("kind"));
                        let (group, version) = super::workspace::split_api_version(&api_version);
                        if let Some(e) = super::gotypes::check(&d.root, group, version, &kind) {
                            return fail(format!(
                                "error: {f}:{}:{}: {}",
                                e.pos.line, e.pos.column, e.message
                            ));
                        }
                        d.root.into_json()
                    }
                    None => return fail(format!("error: no objects passed to create in {f}")),
                },
                Err(e) => {
                    return fail(format!(
                        "error: {f}:{}:{}: {}",
                        e.pos.line, e.pos.column, e.message
                    ))
                }
            }
        } else {
            // One object: TYPE NAME or TYPE/NAME.
            let one = match rest.as_slice() {
                [t] => t.contains('/'),
                [_, _] => true,
                _ => false,
            };
            if !one {
                return fail(usage.to_string());
            }
            let mut words: Vec<String> = vec!["kubectl".into(), "get".into()];
            words.extend(rest);
            if let Some(ns) = &ns {
                words.extend(["-n".to_string(), ns.clone()]);
            }
            words.extend(["-o".to_string(), "json".to_string()]);
            out = self.kubectl_words(&words, None);
            if out.exit_code != 0 {
                return out;
            }
            match serde_json::from_str(&out.stdout) {
                Ok(v) => v,
                Err(_) => return fail(usage.to_string()),
            }
        };
        let kind = obj
            .get("kind")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let api_version = obj
            .get("apiVersion")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let group = super::workspace::split_api_version(api_version).0;
        let minor = self.cluster.control_plane.minor;
        let (group, resource) =
            super::discovery::by_kind(minor, group, kind).map_or(("", ""), |r| (r.group, r.name));
        match super::securitycontext::report_of(group, resource, &obj, minor) {
            Some(r) => {
                out.stdout = super::securitycontext::render(&r);
                out.exit_code = 0;
            }
            None => {
                return fail(format!(
                    "kubegate security: a Pod or an object with a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController, PodTemplate), not {}",
                    if kind.is_empty() { "this" } else { kind }
                ))
            }
        }
        out
    }

    /// Runs kubectl with arguments already split by a shell.
    pub fn kubectl_words(&mut self, words: &[String], stdin: Option<&str>) -> Outcome {
        let files = self.cluster.control_plane.files.clone();
        let mut env = Env {
            cluster: &mut self.cluster,
            kubeconfig: &mut self.kubeconfig,
            files: &files,
            cwd: HOME,
            stdin,
        };
        kubectl::run_words(&mut env, words)
    }

    /// Runs a script: one kubectl command line per line, in order. Blank lines and `#` comments
    /// are skipped; `<<EOF` here-documents feed the following lines to the command's stdin.
    pub fn script(&mut self, text: &str) -> Vec<(String, Outcome)> {
        let mut results = Vec::new();
        self.script_each(text, &mut |command, outcome| {
            results.push((command.to_string(), outcome))
        });
        results
    }

    /// [`Session::script`] handing each command's outcome over as it finishes, so a long
    /// script keeps nothing it has printed. A here-document that never ends reads to the end
    /// of the script with bash's warning, as bash does.
    pub fn script_each(&mut self, text: &str, each: &mut dyn FnMut(&str, Outcome)) {
        let mut lines = text.lines().enumerate();
        while let Some((n, line)) = lines.next() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let mut warning = None;
            let (command, stdin) = match split_heredoc(trimmed) {
                Some((cmd, marker)) => {
                    let mut body = String::new();
                    let mut ended = false;
                    for (_, l) in lines.by_ref() {
                        if l.trim() == marker {
                            ended = true;
                            break;
                        }
                        body.push_str(l);
                        body.push('\n');
                    }
                    if !ended {
                        warning = Some(format!(
                            "bash: warning: here-document at line {} delimited by end-of-file (wanted `{marker}')\n",
                            n + 1
                        ));
                    }
                    (cmd, Some(body))
                }
                None => (trimmed.to_string(), None),
            };
            let mut outcome = self.kubectl(&command, stdin.as_deref());
            if let Some(w) = warning {
                outcome.stderr.insert_str(0, &w);
            }
            each(&command, outcome);
        }
    }

    /// The simulated Kubernetes minor version.
    pub fn minor(&self) -> u32 {
        self.cluster.control_plane.minor
    }

    /// Sends one raw HTTP request.
    pub fn request(&mut self, req: &HttpRequest) -> RequestTrace {
        self.cluster.handle(req)
    }
}

/// `docker run …`: no container runs here; it prints the Pod that asks Kubernetes for the same
/// (so `docker run … > pod.yaml` then `kubectl create -f pod.yaml` works), and says how to see
/// what that container may do.
fn docker_command(words: &[String], _minor: u32) -> Outcome {
    if words.get(1).map(String::as_str) != Some("run") {
        return Outcome {
            stderr: format!(
                "docker: '{}' is not modelled: kubegate translates `docker run` into a Pod, and runs no container\n",
                words.get(1).map(String::as_str).unwrap_or("")
            ),
            exit_code: 1,
            ..Default::default()
        };
    }
    match super::docker::pod_from_run(&words[2..]) {
        Ok(pod) => Outcome {
            stdout: super::yamlout::to_yaml(&pod),
            stderr: "# kubegate: no container runs here; this is the Pod that asks Kubernetes for the same container (its security card: kubegate security -f FILE)\n".into(),
            exit_code: 0,
            ..Default::default()
        },
        Err(e) => Outcome {
            stderr: format!("docker: {e}.\nSee 'docker run --help'.\n"),
            exit_code: 125,
            ..Default::default()
        },
    }
}

/// Splits `cmd <<EOF` (or `<<'EOF'`, `<<"EOF"`) into the command and the end marker.
/// Where `$(` starts outside single quotes (a shell expands it in double quotes too).
fn find_substitution(text: &str) -> Option<usize> {
    let (mut single, mut double) = (false, false);
    let b = text.as_bytes();
    for i in 0..b.len() {
        match b[i] {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'$' if !single && b.get(i + 1) == Some(&b'(') => return Some(i),
            _ => {}
        }
    }
    None
}

/// One output redirection at the end of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Redirect {
    /// 1 (standard output) or 2 (standard error).
    fd: u8,
    /// `>>`: append instead of replace.
    append: bool,
    /// The file, or `None` for `2>&1` (where standard output goes).
    target: Option<String>,
}

/// Splits the redirections off the end of a command line: `> f`, `>> f`, `2> f`, `2>> f`,
/// `&> f`, `2>&1`, outside quotes.
fn split_redirects(line: &str) -> (String, Vec<Redirect>) {
    // The first `>` outside quotes (and outside `$(…)`) starts the redirections.
    let (mut single, mut double, mut depth) = (false, false, 0usize);
    let b = line.as_bytes();
    let mut start = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'(' if !single && !double => depth += 1,
            b')' if !single && !double => depth = depth.saturating_sub(1),
            b'>' if !single && !double && depth == 0 => {
                // Include a file-descriptor digit or `&` just before it.
                let from = if i > 0
                    && matches!(b[i - 1], b'1' | b'2' | b'&')
                    && (i == 1 || b[i - 2] == b' ')
                {
                    i - 1
                } else {
                    i
                };
                start = Some(from);
                break;
            }
            _ => {}
        }
    }
    let Some(start) = start else {
        return (line.to_string(), Vec::new());
    };
    let mut redirects = Vec::new();
    let mut rest = line[start..].trim();
    while !rest.is_empty() {
        let (fd, both, after) = if let Some(r) = rest.strip_prefix("&>") {
            (1, true, r)
        } else if let Some(r) = rest.strip_prefix("2>") {
            (2, false, r)
        } else if let Some(r) = rest.strip_prefix("1>") {
            (1, false, r)
        } else if let Some(r) = rest.strip_prefix('>') {
            (1, false, r)
        } else {
            // Not a redirection after all: leave the line as it is.
            return (line.to_string(), Vec::new());
        };
        let (append, after) = match after.strip_prefix('>') {
            Some(r) => (true, r),
            None => (false, after),
        };
        if let Some(r) = after.strip_prefix("&1").filter(|_| fd == 2) {
            redirects.push(Redirect {
                fd: 2,
                append,
                target: None,
            });
            rest = r.trim_start();
            continue;
        }
        let after = after.trim_start();
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let path = &after[..end];
        if path.is_empty() {
            return (line.to_string(), Vec::new());
        }
        redirects.push(Redirect {
            fd,
            append,
            target: Some(path.to_string()),
        });
        if both {
            redirects.push(Redirect {
                fd: 2,
                append,
                target: None,
            });
        }
        rest = after[end..].trim_start();
    }
    (line[..start].trim_end().to_string(), redirects)
}

/// `cmd | base64 -d` → (`cmd`, true), for a pipe outside quotes and `$(…)`.
fn split_base64_pipe(line: &str) -> (String, bool) {
    let (mut single, mut double, mut depth) = (false, false, 0usize);
    let bytes: Vec<char> = line.chars().collect();
    let mut pos = None;
    for (i, c) in bytes.iter().enumerate() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '(' if !single && !double => depth += 1,
            ')' if !single && !double => depth = depth.saturating_sub(1),
            '|' if !single && !double && depth == 0 => pos = Some(i),
            _ => {}
        }
    }
    if let Some(i) = pos {
        let head: String = bytes[..i].iter().collect();
        let tail: String = bytes[i + 1..].iter().collect();
        if matches!(
            tail.split_whitespace().collect::<Vec<_>>()[..],
            ["base64", "-d" | "--decode"]
        ) {
            return (head.trim_end().to_string(), true);
        }
    }
    (line.to_string(), false)
}

pub fn split_heredoc(line: &str) -> Option<(String, String)> {
    let (cmd, rest) = line.rsplit_once("<<")?;
    let marker = rest
        .trim()
        .trim_start_matches('-')
        .trim_matches(|c| c == '\'' || c == '"');
    if marker.is_empty() || marker.contains(char::is_whitespace) {
        return None;
    }
    Some((cmd.trim().to_string(), marker.to_string()))
}

/// Whether a script ends inside a here-document that is still waiting for its end marker:
/// a terminal's Enter then starts a new line instead of running the script, as a shell's
/// prompt does (`> `). Read as [`Session::script_each`] reads scripts.
pub fn heredoc_open(text: &str) -> bool {
    let mut waiting: Option<String> = None;
    for line in text.lines() {
        match &waiting {
            Some(marker) => {
                if line.trim() == marker {
                    waiting = None;
                }
            }
            None => {
                let trimmed = line.trim();
                if !trimmed.is_empty() && !trimmed.starts_with('#') {
                    waiting = split_heredoc(trimmed).map(|(_, marker)| marker);
                }
            }
        }
    }
    waiting.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: &str = include_str!("../../static/workspaces/default.yaml");

    #[test]
    fn a_heredoc_is_open_until_its_marker_line() {
        for (text, open) in [
            ("kubectl get pods", false),
            ("kubectl create -f - <<EOF", true),
            ("kubectl create -f - <<EOF\napiVersion: v1", true),
            ("kubectl create -f - <<EOF\napiVersion: v1\nEOF", false),
            ("kubectl create -f - <<'END'\nkind: Pod\n  END  ", false),
            ("kubectl create -f - <<EOF\nEOFX", true),
            (
                "kubectl apply -f - <<EOF\nEOF\nkubectl apply -f - <<EOF\nx: 1",
                true,
            ),
            ("# kubectl create -f - <<EOF", false),
            ("echo a << b c", false),
        ] {
            assert_eq!(heredoc_open(text), open, "{text:?}");
        }
    }

    #[test]
    fn redirections_as_bash_applies_them() {
        let mut s = Session::new(DEFAULT).unwrap();
        let file = |s: &Session, f: &str| {
            s.cluster
                .control_plane
                .files
                .get(&format!("{HOME}/{f}"))
                .cloned()
        };
        let out = s.kubectl("kubectl get ns blue -o name >> out.txt", None);
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
        s.kubectl("kubectl get ns default -o name >> out.txt", None);
        assert_eq!(
            file(&s, "out.txt").as_deref(),
            Some("namespace/blue\nnamespace/default\n")
        );
        s.kubectl("kubectl get ns blue -o name > out.txt", None);
        assert_eq!(file(&s, "out.txt").as_deref(), Some("namespace/blue\n"));
        // 2> takes only the errors; stdout stays on the terminal.
        let out = s.kubectl("kubectl get pods -n nope 2> err.txt", None);
        assert_eq!(out.stderr, "");
        assert_eq!(
            file(&s, "err.txt").as_deref(),
            Some("No resources found in nope namespace.\n")
        );
        let out = s.kubectl("kubectl get nope 2>/dev/null", None);
        assert_eq!((out.stderr.as_str(), out.exit_code), ("", 1));
        // > f 2>&1 sends both; 2>&1 > f sends errors to the terminal (bash's order).
        s.kubectl("kubectl get ns blue nope -o name > both.txt 2>&1", None);
        let both = file(&s, "both.txt").unwrap_or_default();
        assert!(
            both.starts_with("namespace/blue\n") && both.contains("\"nope\" not found"),
            "{both}"
        );
        let out = s.kubectl("kubectl get ns blue nope -o name 2>&1 > only.txt", None);
        assert!(out.stderr.contains("not found"), "{out:?}");
        assert_eq!(file(&s, "only.txt").as_deref(), Some("namespace/blue\n"));
        // A `>` in quotes is an argument.
        let out = s.kubectl(
            "kubectl get ns -o jsonpath='{.items[0].metadata.name}>x'",
            None,
        );
        assert_eq!(out.stdout, "blue>x");
    }

    #[test]
    fn substitution_stays_out_of_single_quotes() {
        let mut s = Session::new(DEFAULT).unwrap();
        let out = s.kubectl("kubectl get ns -o jsonpath='$(kubectl version)'", None);
        assert_eq!(out.stdout, "$(kubectl version)");
        let out = s.kubectl(
            "kubectl get \"$(kubectl get ns blue -o name)\" -o name",
            None,
        );
        assert_eq!(out.stdout, "namespace/blue\n");
    }

    #[test]
    fn an_unterminated_heredoc_reads_to_the_end_with_bash_warning() {
        let mut s = Session::new(DEFAULT).unwrap();
        let results = s.script("kubectl get ns blue -o name\nkubectl create -f - <<END\napiVersion: v1\nkind: Namespace\nmetadata: {name: green}\n");
        assert_eq!(results.len(), 2);
        assert_eq!(
            results[1].1.stderr,
            "bash: warning: here-document at line 2 delimited by end-of-file (wanted `END')\n"
        );
        assert_eq!(results[1].1.stdout, "namespace/green created\n");
    }
}
