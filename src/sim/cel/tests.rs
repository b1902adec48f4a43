//! The CEL layer: data binding, error texts, guards, cost, and the libraries (cases from
//! upstream's `pkg/cel/library/*_test.go` and `plugin/cel` tests, in our own code).

use serde_json::json;

use super::*;

fn decls() -> Declarations {
    Declarations {
        variables: vec!["object", "oldObject", "request", "params"],
        mutation: false,
    }
}

fn run(src: &str, object: serde_json::Value) -> Result<serde_json::Value, String> {
    let p = Program::compile(src, &decls(), Want::Any).map_err(|e| e.to_string())?;
    let null = serde_json::Value::Null;
    p.eval(&[("object", &object), ("oldObject", &null)], PER_CALL_LIMIT)
        .map(|v| v.to_json())
        .map_err(|e| e.to_string())
}

fn yes(src: &str) {
    assert_eq!(run(src, pod()), Ok(json!(true)), "{src}");
}

fn pod() -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "blue", "namespace": "blue", "labels": {"app.kubernetes.io/name": "web", "tier": "front"}},
        "spec": {"replicas": 3, "ratio": 0.5, "containers": [
            {"name": "app", "image": "nginx:latest"},
            {"name": "side", "image": "registry.k8s.io/pause:3.9"}
        ]}
    })
}

#[test]
fn request_data_is_bound_as_kubernetes_binds_it() {
    // JSON integers are int, never uint: arithmetic with int literals works.
    yes("object.spec.replicas * 2 == 6");
    yes("type(object.spec.replicas) == int");
    yes("object.spec.ratio == 0.5");
    // Keys as written, never escaped.
    yes("object.metadata.labels['app.kubernetes.io/name'] == 'web'");
    yes("'app.kubernetes.io/name' in object.metadata.labels");
    yes("has(object.metadata.labels.tier) && !has(object.metadata.annotations)");
    // Optional syntax.
    yes("object.?spec.?nodeName.orValue('none') == 'none'");
    yes("object.spec.containers.all(c, !c.image.endsWith(':latest')) == false");
    yes("object.spec.containers.exists(c, c.image.startsWith('registry.k8s.io/'))");
    yes("object.spec.containers.map(c, c.name) == ['app', 'side']");
    yes("object.spec.containers.filter(c, c.name == 'side').size() == 1");
    yes("object.spec.containers.exists_one(c, c.name == 'app')");
    // oldObject is null on a create.
    yes("oldObject == null");
}

#[test]
fn a_null_variable_is_null_and_has_no_fields() {
    // oldObject is null in `run`.
    for src in [
        "oldObject == null",
        "null == oldObject",
        "!(oldObject != null)",
        "type(oldObject) == null_type",
        "!has(oldObject.metadata)",
        "[oldObject].exists(o, o == null)",
        "object.?missing.orValue(null) == oldObject",
    ] {
        assert_eq!(run(src, pod()), Ok(json!(true)), "{src}");
    }
    // As cel-go reads a field through a null `params`.
    assert_eq!(
        run("oldObject.metadata.name == 'x'", pod()),
        Err("no such key: metadata".into())
    );
}

#[test]
fn runtime_errors_are_worded_as_cel_go() {
    assert_eq!(
        run("object.spec.nope == 1", pod()),
        Err("no such key: nope".into())
    );
    assert_eq!(
        run("object.nonExistentProperty == 'someval'", json!({})),
        Err("no such key: nonExistentProperty".into())
    );
    assert_eq!(
        run("1 / (object.spec.replicas - 3) == 1", pod()),
        Err("division by zero".into())
    );
    assert_eq!(
        run("1 % (object.spec.replicas - 3) == 1", pod()),
        Err("modulus by zero".into())
    );
    assert_eq!(
        run("object.spec.replicas + 'a' == 1", pod()),
        Err("no such overload".into())
    );
    assert_eq!(
        run("9223372036854775807 + object.spec.replicas > 0", pod()),
        Err("integer overflow".into())
    );
    assert_eq!(
        run("object.spec.containers[5].name == 'x'", pod()),
        Err("index out of bounds: 5".into())
    );
}

#[test]
fn compile_errors_are_worded_and_placed_as_cel_go() {
    // Upstream's test: webhooks[0].matchConditions[0].expression: Invalid value: ...
    assert_eq!(
        run("object.x in [1, 2, ", json!({})),
        Err("compilation failed: ERROR: <input>:1:20: Syntax error: missing ']' at '<EOF>'\n | object.x in [1, 2, \n | ...................^".into())
    );
    assert_eq!(
        run("1 + objct.x == 2", json!({})),
        Err("compilation failed: ERROR: <input>:1:5: undeclared reference to 'objct' (in container '')\n | 1 + objct.x == 2\n | ....^".into())
    );
    // The second line of a multi-line expression.
    assert_eq!(
        run("object.a == 1 &&\n  nope", json!({})),
        Err("compilation failed: ERROR: <input>:2:3: undeclared reference to 'nope' (in container '')\n |   nope\n | ..^".into())
    );
    // Variables bound by a macro are in scope inside it only.
    assert!(run(
        "object.spec.containers.all(c, c.name != '') && c == 1",
        pod()
    )
    .unwrap_err()
    .contains("undeclared reference to 'c'"));
    let bool_wanted = |src: &str| {
        Program::compile(src, &decls(), Want::Bool)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        bool_wanted("6"),
        Err("must evaluate to bool but got int".into())
    );
    assert_eq!(
        bool_wanted("'x'"),
        Err("must evaluate to bool but got string".into())
    );
    assert_eq!(bool_wanted("object.x"), Ok(()));
    assert_eq!(bool_wanted("size(object) > 0"), Ok(()));
    // Operators on literals of types they do not take (upstream's validation tables).
    assert_eq!(
        run("1 < 'asdf'", json!({})),
        Err("compilation failed: ERROR: <input>:1:3: found no matching overload for '_<_' applied to '(int, string)'\n | 1 < 'asdf'\n | ..^".into())
    );
    assert!(run("114 + '514' == 1", json!({})).unwrap_err().contains(
        "ERROR: <input>:1:5: found no matching overload for '_+_' applied to '(int, string)'"
    ));
    assert!(run("1 == '1'", json!({}))
        .unwrap_err()
        .contains("found no matching overload for '_==_' applied to '(int, string)'"));
    assert_eq!(
        run(
            "1 < 1.5 && 2u == 2 && 'a' + 'b' == 'ab' && [1] + [2] == [1, 2]",
            json!({})
        ),
        Ok(json!(true))
    );
    // Timestamps and durations are Kubernetes CEL, but not kubegate's (yet): said so, at the
    // call's parenthesis as cel-go places a call.
    assert_eq!(
        run("duration('1h') > duration('1m')", json!({})),
        Err("compilation failed: ERROR: <input>:1:9: kubegate does not model CEL timestamps and durations yet: 'duration' is not available\n | duration('1h') > duration('1m')\n | ........^\nERROR: <input>:1:26: kubegate does not model CEL timestamps and durations yet: 'duration' is not available\n | duration('1h') > duration('1m')\n | .........................^".into())
    );
    // Kubernetes enables neither cel.bind nor math.
    let bind = run("cel.bind(x, 1, x == 1)", json!({}));
    assert!(
        bind.clone()
            .unwrap_err()
            .contains("undeclared reference to 'cel'"),
        "{bind:?}"
    );
}

#[test]
fn hostile_expressions_are_refused_not_crashed_on() {
    let chain = vec!["1"; 2000].join(" + ");
    assert!(run(&format!("{chain} > 0"), json!({}))
        .unwrap_err()
        .contains("operators, selections, indexes and calls"));
    let selects = format!("object{} == 1", ".a".repeat(500));
    assert!(run(&selects, json!({}))
        .unwrap_err()
        .contains("nested up to 64 levels"));
    let indexes = format!("object{} == 1", "[0]".repeat(300));
    assert!(run(&indexes, json!({}))
        .unwrap_err()
        .contains("nested up to 64 levels"));
    let nested = format!("{}1{} == [1]", "[".repeat(300), "]".repeat(300));
    assert!(run(&nested, json!({})).is_err());
    let parens = format!("{}true{}", "(".repeat(5000), ")".repeat(5000));
    assert!(run(&parens, json!({})).is_err());
    let long = format!("'{}' == ''", "a".repeat(MAX_SOURCE_FOR_TEST));
    assert!(run(&long, json!({})).unwrap_err().contains("bytes"));
    // `&&` chains are balanced by the parser and fine.
    let ands = vec!["true"; 150].join(" && ");
    assert_eq!(run(&ands, json!({})), Ok(json!(true)));
}

const MAX_SOURCE_FOR_TEST: usize = check::MAX_SOURCE + 1;

#[test]
fn runaway_loops_stop_at_the_cost_limit() {
    // A million turns, each building a list of a thousand: stopped, not run.
    assert_eq!(
        run(
            "lists.range(1000).all(x, lists.range(1000).all(y, lists.range(1000).all(z, true)))",
            json!({})
        ),
        Err(COST_LIMIT_EXCEEDED.into())
    );
    assert_eq!(
        run(
            "lists.range(1000000).map(x, lists.range(1000000)).size() > 0",
            json!({})
        ),
        Err(COST_LIMIT_EXCEEDED.into())
    );
    // Within a smaller shared budget it is the budget that runs out.
    let p = Program::compile("lists.range(1000).all(x, x >= 0)", &decls(), Want::Bool).unwrap();
    assert_eq!(p.eval(&[], 100).err(), Some(EvalError::OutOfBudget));
    let done = p.eval(&[], PER_CALL_LIMIT).unwrap();
    assert_eq!(done.as_bool(), Ok(true));
    assert!(done.cost > 1000 && done.cost < 20_000, "cost {}", done.cost);
}

#[test]
fn kubernetes_lists_library() {
    for src in [
        "[1,2,3].isSorted()",
        "![2.0,1.0].isSorted()",
        "[].isSorted()",
        "['a','b'].isSorted()",
        "[1,2,3,4,5].sum() == 15",
        "[].sum() == 0",
        "[0.5, 1.5].sum() == 2.0",
        "[3,1,2].min() == 1",
        "[3,1,2].max() == 3",
        "['b','a'].min() == 'a'",
        "[1,2,1].indexOf(1) == 0",
        "[1,2,1].lastIndexOf(1) == 2",
        "[1,2].indexOf(3) == -1",
    ] {
        assert_eq!(run(src, json!({})), Ok(json!(true)), "{src}");
    }
    assert_eq!(
        run("[].min() == 1", json!({})),
        Err("min called on empty list".into())
    );
    assert_eq!(
        run("[].max() == 1", json!({})),
        Err("max called on empty list".into())
    );
}

#[test]
fn regex_library() {
    for src in [
        "'abc 123'.find('[0-9]+') == '123'",
        "'abc 123'.find('[0-9]*') == ''",
        "'1, 2, 3, 4'.findAll('[0-9]+') == ['1','2','3','4']",
        "'1, 2, 3, 4'.findAll('[0-9]+', 2) == ['1','2']",
        "'1, 2, 3, 4'.findAll('[0-9]*') == ['1','','2','','3','','4']",
        "'nginx:latest'.matches(':latest$')",
        "matches('nginx', '^ng')",
        "!'registry.k8s.io/pause'.matches('^docker.io/')",
    ] {
        assert_eq!(run(src, json!({})), Ok(json!(true)), "{src}");
    }
    assert!(run("'x'.matches('[')", json!({}))
        .unwrap_err()
        .starts_with("error parsing regexp: "));
}

#[test]
fn sets_library() {
    for src in [
        "sets.contains([1,2,3], [2])",
        "sets.contains([1], [])",
        "!sets.contains([1], [2])",
        "sets.equivalent([1,1,2], [2,1])",
        "sets.equivalent([1], [1u, 1.0])",
        "sets.intersects([1,2], [2,3])",
        "!sets.intersects([], [1])",
        "!sets.intersects([1], [])",
    ] {
        assert_eq!(run(src, json!({})), Ok(json!(true)), "{src}");
    }
}

#[test]
fn quantity_library() {
    // Upstream's quantity_test.go, in our words.
    for src in [
        "isQuantity('20') && isQuantity('20M') && isQuantity('20Mi')",
        "!isQuantity('20Mo') && !isQuantity('10Mm')",
        "quantity('200M') == quantity('0.2G')",
        "quantity('2M') == quantity('0.002G') && quantity('0.002G') == quantity('2000k')",
        "quantity('200M') != quantity('0.3G')",
        "quantity('50M').isLessThan(quantity('50Mi'))",
        "quantity('50Mi').isGreaterThan(quantity('50M'))",
        "quantity('50M').compareTo(quantity('50M')) == 0",
        "quantity('50M').compareTo(quantity('50Mi')) == -1",
        "quantity('50Mi').compareTo(quantity('50M')) == 1",
        "quantity('50k').add(quantity('20')) == quantity('50.02k')",
        "!quantity('50k').add(20).isLessThan(quantity('50020'))",
        "quantity('50k').sub(quantity('20')) == quantity('49.98k')",
        "quantity('50k').sub(20) == quantity('49980')",
        "quantity('50k').add(20).sub(quantity('100k')).asInteger() == -49980",
        "quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger() == 20",
        "quantity('50.703k').asApproximateFloat() == 50703.0",
        "!quantity('9999999999999999999999999999999999999G').isInteger()",
        "quantity('9999999999999999999999999999999999999G').isGreaterThan(quantity('1E'))",
        "sign(quantity('-1')) == -1 && sign(quantity('0')) == 0",
    ] {
        assert_eq!(run(src, json!({})), Ok(json!(true)), "{src}");
    }
    assert!(run("quantity('10Mo') == quantity('1')", json!({}))
        .unwrap_err()
        .starts_with("quantities must match the regular expression"));
    assert_eq!(
        run("quantity('10Mm') == quantity('1')", json!({})),
        Err("unable to parse quantity's suffix".into())
    );
    assert_eq!(
        run(
            "quantity('9999999999999999999999999999999999999G').asInteger() == 1",
            json!({})
        ),
        Err("cannot convert value to integer".into())
    );
}

/// A MutatingAdmissionPolicy's initializers (`patch/smd_test.go`, `json_patch_test.go`).
#[test]
fn mutation_initializers_are_the_maps_they_stand_for() {
    let mutation = Declarations {
        variables: vec!["object", "oldObject"],
        mutation: true,
    };
    let null = serde_json::Value::Null;
    let eval = |src: &str, want: Want| {
        Program::compile(src, &mutation, want)
            .map_err(|e| e.to_string())
            .and_then(|p| {
                p.eval(&[("object", &pod()), ("oldObject", &null)], PER_CALL_LIMIT)
                    .map(|v| v.to_json())
                    .map_err(|e| e.to_string())
            })
    };
    assert_eq!(
        eval("Object{spec: Object.spec{replicas: object.spec.replicas + 1, containers: [Object.spec.containers{name: 'x'}]}}", Want::Object),
        Ok(json!({"spec": {"replicas": 4, "containers": [{"name": "x"}]}}))
    );
    assert_eq!(
        eval("Object{spec: Object.specx{replicas: 1}}", Want::Object),
        Err("type mismatch: unexpected type name \"Object.specx\", expected \"Object.spec\", which matches field name path from root Object type".into())
    );
    assert_eq!(
        eval("'x'", Want::Object),
        Err("must evaluate to Object but got string".into())
    );
    assert_eq!(
        eval("Object.spec.metadata{}", Want::Object),
        Err("must evaluate to Object but got Object.spec.metadata".into())
    );
    assert_eq!(
        eval("[JSONPatch{op: 'add', path: '/metadata/labels/' + jsonpatch.escapeKey('k8s.io/x~y'), value: 'a'}]", Want::JsonPatches),
        Ok(json!([{"op": "add", "path": "/metadata/labels/k8s.io~1x~0y", "value": "a"}]))
    );
    assert_eq!(
        eval("[JSONPatch{opx: 'add'}]", Want::JsonPatches),
        Err("unexpected JSONPatchType field: opx".into())
    );
    assert_eq!(
        eval(
            "JSONPatch{op: 'add'}.op == 'add' && !has(JSONPatch{op: 'add'}.path)",
            Want::Bool
        ),
        Ok(json!(true))
    );
    // Outside a mutation, neither the initializers' library nor escapeKey exists.
    assert!(run("jsonpatch.escapeKey('a') == 'a'", json!({}))
        .unwrap_err()
        .contains("undeclared reference to 'jsonpatch'"));
}

/// Two-variable comprehensions (cel-go's `ext/comprehensions_test.go` cases, in our words).
#[test]
fn two_variable_comprehensions() {
    for src in [
        "[1, 2, 3].all(i, v, v > i)",
        "!{'a': 1, 'b': 2}.all(k, v, v > 1)",
        "{'a': 1, 'b': 2}.exists(k, v, k == 'b' && v == 2)",
        "[5, 6].existsOne(i, v, i == 1 && v == 6)",
        "[5, 6].exists_one(i, v, v > 4) == false",
        "[1, 2, 3].transformList(i, v, v * i) == [0, 2, 6]",
        "[1, 2, 3].transformList(i, v, i > 0, v * 10) == [20, 30]",
        "{'a': 1, 'b': 2}.transformList(k, v, k + string(v)) == ['a1', 'b2']",
        "{'a': 1, 'b': 2}.transformMap(k, v, v + 1) == {'a': 2, 'b': 3}",
        "{'a': 1, 'b': 2}.transformMap(k, v, v > 1, v * 2) == {'b': 4}",
        "{'a': 1}.transformMapEntry(k, v, {v: k}) == {1: 'a'}",
        "object.metadata.labels.all(k, v, k.size() > 0 && v.size() > 0)",
        // A variable of the same name inside rebinds it.
        "[1, 2].all(i, v, [10].all(v, v == 10))",
    ] {
        assert_eq!(run(src, pod()), Ok(json!(true)), "{src}");
    }
    assert_eq!(
        run(
            "{'a': 1, 'b': 1}.transformMapEntry(k, v, {v: k}) == {}",
            pod()
        ),
        Err("insert failed: key 1 already exists".into())
    );
}

/// The url, ip, cidr, semver and format libraries through the whole compile (their own tests
/// are in their modules): each is declared where an expression names it.
#[test]
fn the_network_version_and_format_libraries_compile_in_expressions() {
    for src in [
        "ip.isCanonical('192.168.0.1') && !ip.isCanonical('2001:DB8::68')",
        "isIP('10.0.0.1') && ip('10.0.0.1').family() == 4 && type(ip('10.0.0.1')) == net.IP",
        "cidr('10.0.0.0/8').containsIP(ip('10.1.2.3'))",
        "url('https://example.com:8443/x').getPort() == '8443'",
        "semver('1.2.3').isLessThan(semver('1.10.0'))",
        "format.dns1123Label().validate('my-name') == optional.none()",
        "format.named('dns1123Label').hasValue()",
    ] {
        assert_eq!(run(src, json!({})), Ok(json!(true)), "{src}");
    }
}
