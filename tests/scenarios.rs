//! Scenario tests: each file in tests/scenarios/ is a workspace plus kubectl commands with the
//! exact output expected (written from upstream kubectl/kube-apiserver behaviour). Every file
//! runs twice: through the library (command by command) and through the `kubegate` binary
//! (`kubegate script`), and both must give the same text.
//!
//! Format: `# workspace: FILE` (in tests/scenarios/ or static/examples/, or `default`), then blocks of
//! `$ COMMAND` followed by the expected output: plain lines are stdout, lines starting with
//! `! ` are stderr, and `[exit N]` gives the exit code (0 when absent); `\ no newline` after
//! stdout means it does not end with a newline. `$ cmd <<EOF` … `EOF` feeds stdin.
//!
//! `KUBEGATE_BLESS=1 cargo test --test scenarios` rewrites the files with what kubegate prints
//! now (for a deliberate change to the simulated cluster): review the diff before committing.

use std::path::{Path, PathBuf};
use std::process::Command;

use kubegate::sim::session::{split_heredoc, Session};

const DEFAULT: &str = include_str!("../static/workspaces/default.yaml");

struct Step {
    command: String,
    /// A here-document's body (`$ kubectl apply -f - <<EOF` … `EOF`), fed to stdin.
    stdin: Option<String>,
    stdout: String,
    stderr: String,
    exit: i32,
}

struct Scenario {
    workspace: Option<PathBuf>,
    steps: Vec<Step>,
}

fn parse(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    let mut workspace = None;
    let mut steps: Vec<Step> = Vec::new();
    let mut heredoc: Option<String> = None;
    for line in text.lines() {
        if let Some(marker) = &heredoc {
            let Some(step) = steps.last_mut() else {
                continue;
            };
            if line.trim() == marker {
                heredoc = None;
            } else {
                let body = step.stdin.get_or_insert_with(String::new);
                body.push_str(line);
                body.push('\n');
            }
            continue;
        }
        if let Some(ws) = line.strip_prefix("# workspace: ") {
            if ws.trim() != "default" {
                // A workspace of its own, or one of the examples the page's gallery offers.
                let own = path.parent().unwrap().join(ws.trim());
                let example = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("static/examples")
                    .join(ws.trim());
                workspace = Some(if own.exists() { own } else { example });
            }
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            let (command, marker) = match split_heredoc(cmd) {
                Some((c, m)) => (c, Some(m)),
                None => (cmd.to_string(), None),
            };
            let stdin = marker.as_ref().map(|_| String::new());
            heredoc = marker;
            steps.push(Step {
                command,
                stdin,
                stdout: String::new(),
                stderr: String::new(),
                exit: 0,
            });
            continue;
        }
        let Some(step) = steps.last_mut() else {
            continue;
        };
        if line == "\\ no newline" {
            // The stdout above ends without a newline (e.g. -o jsonpath).
            step.stdout.pop();
            continue;
        }
        if let Some(code) = line
            .strip_prefix("[exit ")
            .and_then(|l| l.strip_suffix(']'))
        {
            step.exit = code.parse().unwrap();
        } else if let Some(err) =
            line.strip_prefix("! ")
                .or(if line == "!" { Some("") } else { None })
        {
            step.stderr.push_str(err);
            step.stderr.push('\n');
        } else {
            step.stdout.push_str(line);
            step.stdout.push('\n');
        }
    }
    Scenario { workspace, steps }
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "scenario files are missing");
    files
}

/// Rewrites a scenario file with the current output (the header comments are kept).
fn bless(file: &Path, sc: &Scenario, session: &mut Session) {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out: String = text
        .lines()
        .take_while(|l| !l.starts_with("$ "))
        .map(|l| format!("{l}\n"))
        .collect();
    for step in &sc.steps {
        let got = session.kubectl(&step.command, step.stdin.as_deref());
        match &step.stdin {
            Some(input) => out.push_str(&format!("$ {} <<EOF\n{input}EOF\n", step.command)),
            None => out.push_str(&format!("$ {}\n", step.command)),
        }
        if !got.stdout.is_empty() {
            out.push_str(&got.stdout);
            if !got.stdout.ends_with('\n') {
                out.push_str("\n\\ no newline\n");
            }
        }
        for l in got.stderr.lines() {
            out.push_str(&format!("! {l}\n").replace("! \n", "!\n"));
        }
        if got.exit_code != 0 {
            out.push_str(&format!("[exit {}]\n", got.exit_code));
        }
    }
    std::fs::write(file, out).unwrap();
}

#[test]
fn scenarios_through_the_library() {
    let mut failures = Vec::new();
    for file in scenario_files() {
        let sc = parse(&file);
        let text = match &sc.workspace {
            Some(p) => std::fs::read_to_string(p).unwrap(),
            None => DEFAULT.to_string(),
        };
        let mut session =
            Session::new(&text).unwrap_or_else(|d| panic!("{}: {d:?}", file.display()));
        if std::env::var_os("KUBEGATE_BLESS").is_some() {
            bless(&file, &sc, &mut session);
            continue;
        }
        for step in &sc.steps {
            let out = session.kubectl(&step.command, step.stdin.as_deref());
            if out.stdout != step.stdout || out.stderr != step.stderr || out.exit_code != step.exit
            {
                failures.push(format!(
                    "{}\n$ {}\n--- want stdout\n{}--- got stdout\n{}--- want stderr\n{}--- got stderr\n{}--- want exit {} got {}",
                    file.display(), step.command, step.stdout, out.stdout, step.stderr, out.stderr, step.exit, out.exit_code
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn scenarios_through_the_cli() {
    let bin = env!("CARGO_BIN_EXE_kubegate");
    for file in scenario_files() {
        let sc = parse(&file);
        let script = std::env::temp_dir().join(format!(
            "kubegate-{}.sh",
            file.file_stem().unwrap().to_string_lossy()
        ));
        let body: String = sc
            .steps
            .iter()
            .map(|s| match &s.stdin {
                Some(input) => format!("{} <<EOF\n{input}EOF\n", s.command),
                None => format!("{}\n", s.command),
            })
            .collect();
        std::fs::write(&script, body).unwrap();
        let mut cmd = Command::new(bin);
        if let Some(ws) = &sc.workspace {
            cmd.arg("-w").arg(ws);
        }
        let out = cmd.arg("script").arg(&script).output().unwrap();
        let want_out: String = sc.steps.iter().map(|s| s.stdout.as_str()).collect();
        let want_err: String = sc.steps.iter().map(|s| s.stderr.as_str()).collect();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            want_out,
            "{}",
            file.display()
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            want_err,
            "{}",
            file.display()
        );
        let last = sc.steps.last().map_or(0, |s| s.exit);
        assert_eq!(out.status.code(), Some(last), "{}", file.display());
    }
}
