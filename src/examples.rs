//! The examples gallery: one workspace per topic of the pipeline (static/examples/, and the
//! default workspace), each with commands to try and whether each is let through. The page
//! opens one in a click; the scenario tests use the same files; a test below sends every
//! suggested command and checks it is allowed or refused as said.

use crate::ui::state::DEFAULT_WORKSPACE;

/// One command an example suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Try {
    pub command: &'static str,
    /// Whether it succeeds (exit code 0) when the earlier ones were sent before it.
    pub allowed: bool,
}

/// One example workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// A short name, stable across versions (kept in the page's storage).
    pub id: &'static str,
    pub title: &'static str,
    /// The pipeline stage or concept it shows.
    pub topic: &'static str,
    /// One or two sentences on what to look for.
    pub about: &'static str,
    pub text: &'static str,
    /// What to try, in order.
    pub tries: &'static [Try],
}

const fn ok(command: &'static str) -> Try {
    Try {
        command,
        allowed: true,
    }
}

const fn refused(command: &'static str) -> Try {
    Try {
        command,
        allowed: false,
    }
}

/// How the node example's commands act as the kubelet of node01.
#[cfg(test)]
const NODE: &str = "--as system:node:node01 --as-group system:nodes";

/// The gallery, in the order the page lists it.
pub const EXAMPLES: &[Example] = &[
    Example {
        id: "developer-role",
        title: "The developer Role in blue",
        topic: "RBAC",
        about: "dev-user signs in with a token and may manage pods in namespace blue only. Send the same request in blue and in default and compare the authorization cards.",
        text: DEFAULT_WORKSPACE,
        tries: &[
            ok("kubectl --context dev create -f pod.yaml"),
            ok("kubectl --context dev get pods -n blue"),
            refused("kubectl --context dev get pods -n default"),
            ok("kubectl auth can-i create pods --as dev-user -n blue"),
        ],
    },
    Example {
        id: "resource-names",
        title: "resourceNames: the pods blue and orange",
        topic: "RBAC",
        about: "A rule that names its pods covers only those: green is refused, and so is a list, which names no pod.",
        text: include_str!("../static/examples/resource-names.yaml"),
        tries: &[
            ok("kubectl get pod blue --as dev-user"),
            refused("kubectl get pod green --as dev-user"),
            refused("kubectl get pods --as dev-user"),
            ok("kubectl auth can-i update pod/orange --as dev-user"),
            refused("kubectl auth can-i delete pod/orange --as dev-user"),
        ],
    },
    Example {
        id: "cluster-administrator",
        title: "Roles and ClusterRoles: developer and cluster-administrator",
        topic: "RBAC",
        about: "The seed's exercises: create the developer Role and its binding, then the cluster-administrator ClusterRole over nodes, from the files on the control-plane node.",
        text: include_str!("../static/examples/seed.yaml"),
        tries: &[
            ok("kubectl create -f developer-role.yaml"),
            ok("kubectl create -f devuser-developer-binding.yaml"),
            ok("kubectl auth can-i list pods --as dev-user"),
            refused("kubectl auth can-i get pods --as dev-user"),
            ok("kubectl apply -f cluster-admin-role.yaml"),
            ok("kubectl create -f cluster-admin-binding.yaml"),
            ok("kubectl auth can-i delete nodes --as cluster-admin-user"),
            refused("kubectl auth can-i delete nodes --as dev-user"),
        ],
    },
    Example {
        id: "dashboard-sa",
        title: "A service account: dashboard-sa",
        topic: "Authentication and RBAC",
        about: "An application's identity: system:serviceaccount:default:dashboard-sa, bound to a Role that reads pods. kubectl create token issues it a token.",
        text: include_str!("../static/examples/dashboard-sa.yaml"),
        tries: &[
            ok("kubectl get pods --as system:serviceaccount:default:dashboard-sa"),
            refused("kubectl get secrets --as system:serviceaccount:default:dashboard-sa"),
            ok("kubectl auth whoami --as system:serviceaccount:default:dashboard-sa"),
            ok("kubectl create token dashboard-sa"),
        ],
    },
    Example {
        id: "authorization-modes",
        title: "Authorization modes: Node, ABAC, RBAC, Webhook",
        topic: "Authorization",
        about: "--authorization-mode=Node,ABAC,RBAC,Webhook: each authorizer in turn allows, denies or has no opinion. ABAC lets alice read pods in blue; the webhook suspends mallory and lets ops read pods.",
        text: include_str!("../static/examples/authz-modes.yaml"),
        tries: &[
            ok("kubectl get pods -n blue --as alice"),
            refused("kubectl delete pod orange -n blue --as alice"),
            ok("kubectl get pods --as sam --as-group ops"),
            refused("kubectl get pods --as mallory --as-group ops"),
            ok("kubectl auth can-i --list --as alice -n blue"),
        ],
    },
    Example {
        id: "node-authorizer",
        title: "The Node authorizer and NodeRestriction",
        topic: "Authorization and admission",
        about: "The kubelet of node01 may read only what the pods bound to it use, and change only its own Node.",
        text: include_str!("../static/examples/node-authz.yaml"),
        tries: &[
            ok("kubectl get secret db-pass -n blue --as system:node:node01 --as-group system:nodes"),
            refused("kubectl get secret other-team -n blue --as system:node:node01 --as-group system:nodes"),
            ok("kubectl label node node01 disk=ssd --as system:node:node01 --as-group system:nodes"),
            refused("kubectl label node controlplane disk=ssd --as system:node:node01 --as-group system:nodes"),
        ],
    },
    Example {
        id: "webhook-authorizer",
        title: "Structured authorization: webhooks before Node and RBAC",
        topic: "Authorization",
        about: "--authorization-config: the webhook guard refuses deletes in kube-system even to the admin; what nobody allows reaches an unreachable webhook whose failure policy is Deny.",
        text: include_str!("../static/examples/authz-config.yaml"),
        tries: &[
            ok("kubectl get pods -n kube-system"),
            refused("kubectl delete configmap kube-root-ca.crt -n kube-system"),
            refused("kubectl --as jane get pods"),
            ok("kubectl auth can-i --list -n default"),
        ],
    },
    Example {
        id: "csr",
        title: "A user's certificate: the CSR flow",
        topic: "Authentication",
        about: "jane's certificate signing request, approved by the admin and signed with the cluster CA; the certificate then signs jane in.",
        text: DEFAULT_WORKSPACE,
        tries: &[
            ok("kubectl apply -f jane-csr.yaml"),
            refused("kubectl --context dev certificate approve jane"),
            ok("kubectl certificate approve jane"),
            ok("kubectl get csr jane -o jsonpath='{.status.certificate}' | base64 -d > jane.crt"),
            ok("kubectl config set-credentials jane --client-key=jane.key --client-certificate=jane.crt --embed-certs"),
            ok("kubectl config set-context jane --cluster=kubernetes --user=jane"),
            ok("kubectl --context jane auth whoami"),
        ],
    },
    Example {
        id: "admission",
        title: "Admission plugins: defaults, node selectors, runtime classes",
        topic: "Admission",
        about: "Plugins beyond kubeadm's defaults change and check a pod before it is stored: see each one's card, and the object as stored.",
        text: include_str!("../static/examples/admission.yaml"),
        tries: &[
            ok("kubectl run web -n blue --image=nginx"),
            refused("kubectl run web -n strict --image=nginx"),
            ok("kubectl run sandboxed --image=nginx --overrides='{\"spec\":{\"runtimeClassName\":\"gvisor\"}}'"),
            refused("kubectl run nowhere --image=nginx --overrides='{\"spec\":{\"runtimeClassName\":\"kata\"}}'"),
        ],
    },
    Example {
        id: "pod-security",
        title: "Pod Security and security contexts: what a container may do",
        topic: "Admission",
        about: "Namespaces labelled for the Pod Security Standards refuse or warn; each pod sent has a security card: its effective settings, capabilities, and the patch that passes restricted.",
        text: include_str!("../static/examples/pod-security.yaml"),
        tries: &[
            refused("kubectl create -f root-caps.yaml -n blue"),
            ok("kubectl create -f root-caps.yaml -n lab"),
            refused("kubectl run shell -n orange --image=ubuntu --overrides='{\"spec\":{\"containers\":[{\"name\":\"shell\",\"image\":\"ubuntu\",\"securityContext\":{\"privileged\":true}}]}}'"),
            ok("kubectl run web -n orange --image=nginx"),
            ok("kubectl create -f locked.yaml -n blue"),
            ok("kubegate security pod root-caps -n lab"),
            ok("docker run --user 1000 --cap-add NET_ADMIN ubuntu"),
        ],
    },
];

/// The example with this id.
pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::session::Session;
    use crate::sim::workspace::Severity;

    #[test]
    fn every_example_reads_cleanly_and_its_commands_do_as_said() {
        let mut ids = std::collections::HashSet::new();
        for ex in EXAMPLES {
            assert!(ids.insert(ex.id), "{}: id used twice", ex.id);
            let mut session = Session::new(ex.text)
                .unwrap_or_else(|d| panic!("{}: workspace errors {d:?}", ex.id));
            assert!(
                session
                    .warnings
                    .iter()
                    .all(|d| d.severity != Severity::Error),
                "{}",
                ex.id
            );
            for t in ex.tries {
                let mut exit = 0;
                let mut stderr = String::new();
                session.script_each(t.command, &mut |_, o| {
                    exit = o.exit_code;
                    stderr.push_str(&o.stderr);
                });
                assert_eq!(
                    exit == 0,
                    t.allowed,
                    "{}: `{}` exited {exit}: {stderr}",
                    ex.id,
                    t.command
                );
                if !t.allowed {
                    // Refused by the server (or `can-i` saying no), not a mistyped command.
                    assert!(
                        !stderr.lines().any(|l| l.starts_with("error:")),
                        "{}: `{}`: {stderr}",
                        ex.id,
                        t.command
                    );
                }
            }
        }
        // The node's commands carry its identity.
        let node = find("node-authorizer").unwrap();
        assert!(node.tries.iter().all(|t| t.command.ends_with(NODE)));
    }
}
