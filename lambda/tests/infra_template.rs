//! `infra/template.yaml` against the code: the HTTP API's routes against the
//! router's `ROUTES`, each route on the function that serves it
//! (`deploy::FUNCTIONS`, and the binary's own path ownership), the table's
//! keys against the store's, every function's IAM policy against what its
//! code calls, and the shape of the rest (buckets, CloudFront, sign-in,
//! scheduler, secrets).
//!
//! The template uses CloudFormation's short tags (`!Ref`, `!GetAtt`,
//! `!Sub`, `!If`...); serde_yaml reads them as tagged values, which
//! [`untag`] turns into their long form (`{"Ref": ...}`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use duos_lambda::Function;
use functions::deploy::{self, FunctionSpec, FUNCTIONS, TRANSACT, TRANSACT_ITEM_ACTIONS};
use functions::router::ROUTES;
use functions::store::{GSI1_NAME, GSI1_PK, GSI1_SK, TABLE_PK, TABLE_SK, TTL_ATTRIBUTE};
use serde_yaml::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A tagged value in long form: `!Ref X` -> `{Ref: X}`, `!GetAtt A.B` ->
/// `{Fn::GetAtt: [A, B]}`, `!Sub s` -> `{Fn::Sub: s}`, and so on.
fn untag(value: Value) -> Value {
    match value {
        Value::Tagged(tagged) => {
            let name = tagged.tag.to_string();
            let name = name.trim_start_matches('!');
            let inner = untag(tagged.value);
            let (key, inner) = match name {
                "Ref" | "Condition" => (name.to_owned(), inner),
                "GetAtt" => {
                    let inner = match inner {
                        Value::String(s) => {
                            let (resource, attr) =
                                s.split_once('.').expect("!GetAtt Resource.Attribute");
                            Value::Sequence(vec![resource.into(), attr.into()])
                        }
                        other => other,
                    };
                    ("Fn::GetAtt".to_owned(), inner)
                }
                other => (format!("Fn::{other}"), inner),
            };
            let mut map = serde_yaml::Mapping::new();
            map.insert(Value::String(key), inner);
            Value::Mapping(map)
        }
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(untag).collect()),
        Value::Mapping(map) => {
            Value::Mapping(map.into_iter().map(|(k, v)| (k, untag(v))).collect())
        }
        other => other,
    }
}

fn template() -> Value {
    let path = repo().join("infra/template.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    untag(serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn resources(t: &Value) -> &serde_yaml::Mapping {
    t["Resources"].as_mapping().expect("Resources")
}

fn resource<'a>(t: &'a Value, id: &str) -> &'a Value {
    let r = &t["Resources"][id];
    assert!(!r.is_null(), "the template has no resource {id}");
    r
}

fn of_type<'a>(t: &'a Value, ty: &str) -> Vec<(String, &'a Value)> {
    resources(t)
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(ty))
        .map(|(k, r)| (k.as_str().expect("logical id").to_owned(), r))
        .collect()
}

fn str_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items.iter().flat_map(str_list).collect(),
        _ => Vec::new(),
    }
}

/// Every string inside a value (to look for references).
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Mapping(map) => map.iter().for_each(|(k, v)| {
            strings(k, out);
            strings(v, out);
        }),
        _ => {}
    }
}

fn mentions(v: &Value, needle: &str) -> bool {
    let mut all = Vec::new();
    strings(v, &mut all);
    all.iter().any(|s| s.contains(needle))
}

/// The template's HTTP API routes: (method, path) -> function logical ids.
fn template_routes(t: &Value) -> BTreeMap<(String, String), Vec<String>> {
    let mut routes: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (id, f) in of_type(t, "AWS::Serverless::Function") {
        let Some(events) = f["Properties"]["Events"].as_mapping() else {
            continue;
        };
        for (name, event) in events {
            assert_eq!(
                event["Type"].as_str(),
                Some("HttpApi"),
                "{id}: event {name:?} is not an HttpApi route"
            );
            let p = &event["Properties"];
            assert_eq!(
                p["ApiId"]["Ref"].as_str(),
                Some("HttpApi"),
                "{id}: {name:?} not on HttpApi"
            );
            let method = p["Method"].as_str().expect("Method").to_uppercase();
            let path = p["Path"].as_str().expect("Path").to_owned();
            routes.entry((method, path)).or_default().push(id.clone());
        }
    }
    routes
}

/// The statements of a function's inline policies.
fn statements(f: &Value) -> Vec<&Value> {
    f["Properties"]["Policies"]
        .as_sequence()
        .map(|policies| {
            policies
                .iter()
                .flat_map(|p| p["Statement"].as_sequence().into_iter().flatten())
                .collect()
        })
        .unwrap_or_default()
}

fn actions_with_prefix(f: &Value, prefix: &str) -> BTreeSet<String> {
    statements(f)
        .iter()
        .flat_map(|s| str_list(&s["Action"]))
        .filter(|a| a.starts_with(prefix))
        .collect()
}

fn statements_with_action<'a>(f: &'a Value, action: &str) -> Vec<&'a Value> {
    statements(f)
        .into_iter()
        .filter(|s| str_list(&s["Action"]).iter().any(|a| a == action))
        .collect()
}

fn spec_route_set(spec: &FunctionSpec) -> BTreeSet<(String, String)> {
    spec.routes
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect()
}

#[test]
fn every_router_route_is_in_the_template_exactly_once_and_nothing_else_is() {
    let t = template();
    let routes = template_routes(&t);
    for r in ROUTES {
        let key = (r.method.to_owned(), r.path.to_owned());
        let fns = routes.get(&key).cloned().unwrap_or_default();
        assert_eq!(
            fns.len(),
            1,
            "{} {} must be one HttpApi event of one function in infra/template.yaml, found on {fns:?}",
            r.method,
            r.path
        );
    }
    let router: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    // Besides the API, only the session function's sign-in and members routes.
    let session = deploy::function("session").expect("session function");
    for (key, fns) in &routes {
        assert_eq!(fns.len(), 1, "{key:?} is on several functions: {fns:?}");
        if !router.contains(key) {
            assert!(
                session
                    .routes
                    .iter()
                    .any(|(m, p)| (m.to_string(), p.to_string()) == *key),
                "{} {} is in the template but in neither router::ROUTES nor the session function",
                key.0,
                key.1
            );
        }
    }
    let expected = router.len() + session.routes.len();
    assert_eq!(
        routes.len(),
        expected,
        "template routes: {:?}",
        routes.keys()
    );
}

#[test]
fn each_route_goes_to_the_function_that_serves_it() {
    let t = template();
    let routes = template_routes(&t);
    for spec in FUNCTIONS {
        let in_template: BTreeSet<(String, String)> = routes
            .iter()
            .filter(|(_, fns)| fns.contains(&spec.logical_id.to_owned()))
            .map(|(k, _)| k.clone())
            .collect();
        assert_eq!(
            in_template,
            spec_route_set(spec),
            "{}: the template's routes differ from deploy::FUNCTIONS",
            spec.logical_id
        );
    }
    for r in ROUTES {
        let spec = deploy::function_for_route(r.method, r.path).unwrap_or_else(|| {
            panic!(
                "no function in deploy::FUNCTIONS serves {} {}",
                r.method, r.path
            )
        });
        // The binary answers only the paths it owns (duos_lambda::Function::owns):
        // a route sent to another binary would be a 404.
        let concrete = r.path.replace("{id}", "x");
        let owner = Function::for_path(&concrete).unwrap_or_else(|| {
            panic!(
                "no Lambda binary owns {} (duos_lambda::Function::prefixes)",
                r.path
            )
        });
        assert_eq!(
            owner.name(),
            spec.name,
            "{} {} is routed to {} but the {} binary owns it",
            r.method,
            r.path,
            spec.name,
            owner.name()
        );
    }
    for (_, p) in deploy::function("session").unwrap().routes {
        let concrete = p.replace("{proxy+}", "mentors/index.html");
        assert_eq!(
            Function::for_path(&concrete),
            Some(Function::Session),
            "{p}"
        );
    }
}

#[test]
fn functions_match_the_binaries_and_the_lambda_table() {
    let t = template();
    let in_template: BTreeSet<String> = of_type(&t, "AWS::Serverless::Function")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let in_spec: BTreeSet<String> = FUNCTIONS.iter().map(|f| f.logical_id.to_owned()).collect();
    assert_eq!(
        in_template, in_spec,
        "template functions vs deploy::FUNCTIONS"
    );
    let globals = &t["Globals"]["Function"];
    assert_eq!(globals["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(str_list(&globals["Architectures"]), ["arm64"]);
    assert_eq!(globals["Handler"].as_str(), Some("bootstrap"));
    // `sam build` runs cargo-lambda in the package holding the binaries.
    assert_eq!(globals["CodeUri"].as_str(), Some("../lambda"));
    assert!(repo().join("lambda/Cargo.toml").is_file());
    for spec in FUNCTIONS {
        let f = resource(&t, spec.logical_id);
        assert_eq!(
            f["Metadata"]["BuildMethod"].as_str(),
            Some("rust-cargolambda"),
            "{}",
            spec.logical_id
        );
        assert_eq!(
            f["Metadata"]["BuildProperties"]["Binary"].as_str(),
            Some(spec.binary),
            "{}",
            spec.logical_id
        );
        let bin = repo()
            .join("lambda/src/bin")
            .join(format!("{}.rs", spec.binary));
        assert!(
            bin.is_file(),
            "{} has no binary {}",
            spec.name,
            bin.display()
        );
        for key in ["Runtime", "Architectures", "Handler", "CodeUri"] {
            assert!(
                f["Properties"][key].is_null(),
                "{}: {key} comes from Globals",
                spec.logical_id
            );
        }
        assert_eq!(spec.scheduled, spec.routes.is_empty(), "{}", spec.name);
    }
    for function in Function::ALL {
        let spec = deploy::function(function.name()).unwrap_or_else(|| {
            panic!("duos_lambda::Function {function:?} is not in deploy::FUNCTIONS")
        });
        assert_eq!(spec.binary, function.binary(), "{}", spec.name);
    }
}

#[test]
fn the_table_has_the_stores_key_schema() {
    let t = template();
    let tables = of_type(&t, "AWS::DynamoDB::Table");
    assert_eq!(tables.len(), 1, "one table");
    let (id, table) = &tables[0];
    assert_eq!(id, "Table");
    let p = &table["Properties"];
    assert_eq!(p["BillingMode"].as_str(), Some("PAY_PER_REQUEST"));
    assert_eq!(
        p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool(),
        Some(true)
    );
    assert_eq!(p["DeletionProtectionEnabled"].as_bool(), Some(true));
    assert_eq!(table["DeletionPolicy"].as_str(), Some("Retain"));
    let attrs: BTreeMap<String, String> = p["AttributeDefinitions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["AttributeName"].as_str().unwrap().to_owned(),
                a["AttributeType"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: BTreeMap<String, String> = [TABLE_PK, TABLE_SK, GSI1_PK, GSI1_SK]
        .iter()
        .map(|a| (a.to_string(), "S".to_owned()))
        .collect();
    assert_eq!(attrs, expected);
    let key = |schema: &Value| -> Vec<(String, String)> {
        schema
            .as_sequence()
            .unwrap()
            .iter()
            .map(|k| {
                (
                    k["AttributeName"].as_str().unwrap().to_owned(),
                    k["KeyType"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        key(&p["KeySchema"]),
        [
            (TABLE_PK.to_owned(), "HASH".to_owned()),
            (TABLE_SK.to_owned(), "RANGE".to_owned())
        ]
    );
    // Expiring items (idempotency records, sign-in states) carry the
    // attribute the table's TTL reads.
    assert_eq!(
        p["TimeToLiveSpecification"]["AttributeName"].as_str(),
        Some(TTL_ATTRIBUTE)
    );
    assert_eq!(
        p["TimeToLiveSpecification"]["Enabled"].as_bool(),
        Some(true)
    );
    let gsis = p["GlobalSecondaryIndexes"].as_sequence().unwrap();
    assert_eq!(gsis.len(), 1);
    assert_eq!(gsis[0]["IndexName"].as_str(), Some(GSI1_NAME));
    assert_eq!(
        key(&gsis[0]["KeySchema"]),
        [
            (GSI1_PK.to_owned(), "HASH".to_owned()),
            (GSI1_SK.to_owned(), "RANGE".to_owned())
        ]
    );
    assert_eq!(
        gsis[0]["Projection"]["ProjectionType"].as_str(),
        Some("ALL")
    );
}

#[test]
fn transactions_carry_their_item_level_actions() {
    for spec in FUNCTIONS {
        if spec.calls(TRANSACT) {
            for a in TRANSACT_ITEM_ACTIONS {
                assert!(
                    spec.calls(a),
                    "{} calls transact, so it needs {a}",
                    spec.name
                );
            }
        }
        let unique: BTreeSet<&str> = spec.dynamodb_actions.iter().copied().collect();
        assert_eq!(
            unique.len(),
            spec.dynamodb_actions.len(),
            "{}: duplicate actions",
            spec.name
        );
    }
}

#[test]
fn each_role_holds_exactly_what_its_function_calls() {
    let t = template();
    for spec in FUNCTIONS {
        let f = resource(&t, spec.logical_id);
        let id = spec.logical_id;
        for s in statements(f) {
            assert_eq!(
                s["Effect"].as_str(),
                Some("Allow"),
                "{id}: only Allow statements"
            );
            for a in str_list(&s["Action"]) {
                assert!(!a.contains('*'), "{id}: wildcard action {a}");
            }
            let mut res = Vec::new();
            strings(&s["Resource"], &mut res);
            assert!(!res.is_empty(), "{id}: a statement without Resource");
            assert!(res.iter().all(|r| r != "*"), "{id}: Resource \"*\"");
        }
        // DynamoDB: exactly the listed actions, on the table and its index.
        let dynamo = actions_with_prefix(f, "dynamodb:");
        let listed: BTreeSet<String> = spec
            .dynamodb_actions
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(
            dynamo, listed,
            "{id}: DynamoDB actions vs deploy::FUNCTIONS"
        );
        for s in statements(f).into_iter().filter(|s| {
            str_list(&s["Action"])
                .iter()
                .any(|a| a.starts_with("dynamodb:"))
        }) {
            let resources = s["Resource"].as_sequence().expect("a list of ARNs");
            assert_eq!(resources.len(), 2, "{id}: the table's ARN and its index's");
            assert!(mentions(&resources[0], "Table.Arn") || mentions(&resources[0], "Table"));
            assert!(
                mentions(&resources[1], &format!("/index/{GSI1_NAME}")),
                "{id}: the second resource is the {GSI1_NAME} index"
            );
        }
        // SES only where the function mails, on the sender identity.
        let ses = actions_with_prefix(f, "ses:");
        if spec.mails {
            assert_eq!(ses, BTreeSet::from(["ses:SendEmail".to_owned()]), "{id}");
            for s in statements_with_action(f, "ses:SendEmail") {
                assert!(
                    mentions(&s["Resource"], ":identity/${SenderIdentity}"),
                    "{id}"
                );
            }
        } else {
            assert!(ses.is_empty(), "{id} does not mail but may: {ses:?}");
        }
        // The members bucket: the session function only, members/* only.
        let s3 = actions_with_prefix(f, "s3:");
        if spec.reads_members_bucket {
            assert_eq!(
                s3,
                BTreeSet::from(["s3:GetObject".to_owned(), "s3:ListBucket".to_owned()]),
                "{id}"
            );
            for s in statements_with_action(f, "s3:GetObject") {
                assert!(
                    mentions(&s["Resource"], "${MembersBucket.Arn}/members/*"),
                    "{id}"
                );
            }
            // Listing, so that a missing page is NoSuchKey: members/ only.
            for s in statements_with_action(f, "s3:ListBucket") {
                assert!(mentions(&s["Resource"], "MembersBucket"), "{id}");
                assert_eq!(
                    s["Condition"]["StringLike"]["s3:prefix"].as_str(),
                    Some(format!("{}*", duos_lambda::members_bucket::KEY_PREFIX).as_str()),
                    "{id}: ListBucket limited to the members/ prefix"
                );
            }
        } else if spec.publishes_members {
            // Publishing profile changes: write and delete, members/* only.
            assert_eq!(
                s3,
                BTreeSet::from(["s3:DeleteObject".to_owned(), "s3:PutObject".to_owned()]),
                "{id}"
            );
            for action in ["s3:PutObject", "s3:DeleteObject"] {
                for s in statements_with_action(f, action) {
                    assert!(
                        mentions(&s["Resource"], "${MembersBucket.Arn}/members/*"),
                        "{id}: {action} on members/* only"
                    );
                }
            }
        } else {
            assert!(s3.is_empty(), "{id} may use S3: {s3:?}");
        }
        // Secrets: GetParameter on exactly the parameters it reads.
        let ssm = actions_with_prefix(f, "ssm:");
        let mut wanted = BTreeSet::new();
        if spec.reads_session_secret {
            wanted.insert("${SessionSecretParameterName}");
        }
        if spec.reads_survey_secret {
            wanted.insert("${SurveySecretParameterName}");
        }
        if wanted.is_empty() {
            assert!(ssm.is_empty(), "{id} may read parameters: {ssm:?}");
        } else {
            assert_eq!(ssm, BTreeSet::from(["ssm:GetParameter".to_owned()]), "{id}");
            let mut res = Vec::new();
            for s in statements_with_action(f, "ssm:GetParameter") {
                strings(&s["Resource"], &mut res);
            }
            let named: BTreeSet<&str> = [
                "${SessionSecretParameterName}",
                "${SurveySecretParameterName}",
            ]
            .into_iter()
            .filter(|p| res.iter().any(|r| r.contains(p)))
            .collect();
            assert_eq!(named, wanted, "{id}: secrets");
            let arns: Vec<&String> = res.iter().filter(|r| r.starts_with("arn:")).collect();
            assert_eq!(arns.len(), wanted.len(), "{id}: {res:?}");
            assert!(
                arns.iter()
                    .all(|r| r.contains(":ssm:") && r.contains(":parameter${")),
                "{id}: {res:?}"
            );
        }
        let other: Vec<String> = statements(f)
            .iter()
            .flat_map(|s| str_list(&s["Action"]))
            .filter(|a| {
                !["dynamodb:", "ses:", "s3:", "ssm:"]
                    .iter()
                    .any(|p| a.starts_with(p))
            })
            .collect();
        assert!(other.is_empty(), "{id}: unexpected actions {other:?}");
    }
}

#[test]
fn the_scheduler_runs_the_scheduled_function_with_its_own_role() {
    let t = template();
    let schedules = of_type(&t, "AWS::Scheduler::Schedule");
    assert_eq!(schedules.len(), 1);
    let p = &schedules[0].1["Properties"];
    assert_eq!(
        p["ScheduleExpression"]["Ref"].as_str(),
        Some("ScheduleExpression")
    );
    let default = t["Parameters"]["ScheduleExpression"]["Default"]
        .as_str()
        .unwrap();
    assert!(
        default.starts_with("rate(") || default.starts_with("cron("),
        "{default}"
    );
    let scheduled: Vec<&FunctionSpec> = FUNCTIONS.iter().filter(|f| f.scheduled).collect();
    assert_eq!(scheduled.len(), 1);
    assert_eq!(
        str_list(&p["Target"]["Arn"]["Fn::GetAtt"]),
        [scheduled[0].logical_id, "Arn"]
    );
    let role_id = str_list(&p["Target"]["RoleArn"]["Fn::GetAtt"]);
    let role = resource(&t, &role_id[0]);
    assert_eq!(role["Type"].as_str(), Some("AWS::IAM::Role"));
    assert!(mentions(
        &role["Properties"]["AssumeRolePolicyDocument"],
        "scheduler.amazonaws.com"
    ));
    let mut actions = Vec::new();
    for policy in role["Properties"]["Policies"].as_sequence().unwrap() {
        for s in policy["PolicyDocument"]["Statement"].as_sequence().unwrap() {
            actions.extend(str_list(&s["Action"]));
            assert!(mentions(&s["Resource"], scheduled[0].logical_id));
        }
    }
    assert_eq!(actions, ["lambda:InvokeFunction"]);
}

#[test]
fn buckets_are_private_and_cloudfront_fronts_site_and_api() {
    let t = template();
    for (id, b) in of_type(&t, "AWS::S3::Bucket") {
        let block = &b["Properties"]["PublicAccessBlockConfiguration"];
        for k in [
            "BlockPublicAcls",
            "BlockPublicPolicy",
            "IgnorePublicAcls",
            "RestrictPublicBuckets",
        ] {
            assert_eq!(block[k].as_bool(), Some(true), "{id}: {k}");
        }
    }
    // Only the session function's role reads the members bucket; only the
    // functions that publish profile changes write it.
    for (id, f) in of_type(&t, "AWS::Serverless::Function") {
        let touches = mentions(&f["Properties"]["Policies"], "MembersBucket");
        let spec = functions::deploy::FUNCTIONS
            .iter()
            .find(|s| s.logical_id == id)
            .unwrap_or_else(|| panic!("{id} in deploy::FUNCTIONS"));
        assert_eq!(
            touches,
            spec.reads_members_bucket || spec.publishes_members,
            "{id}"
        );
        assert_eq!(spec.reads_members_bucket, id == "SessionFunction", "{id}");
    }
    let oac = of_type(&t, "AWS::CloudFront::OriginAccessControl");
    assert_eq!(oac.len(), 1);
    let d = &resource(&t, "Distribution")["Properties"]["DistributionConfig"];
    let origins = d["Origins"].as_sequence().unwrap();
    let site = origins
        .iter()
        .find(|o| o["Id"].as_str() == Some("site"))
        .unwrap();
    assert!(mentions(&site["OriginAccessControlId"], &oac[0].0));
    assert!(mentions(&site["DomainName"], "SiteBucket"));
    let api = origins
        .iter()
        .find(|o| o["Id"].as_str() == Some("api"))
        .unwrap();
    assert!(mentions(&api["DomainName"], "${HttpApi}.execute-api"));
    let behaviours: BTreeMap<String, &Value> = d["CacheBehaviors"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|b| (b["PathPattern"].as_str().unwrap().to_owned(), b))
        .collect();
    let csp = &resource(&t, "SecurityHeadersPolicy")["Properties"]["ResponseHeadersPolicyConfig"]
        ["SecurityHeadersConfig"]["ContentSecurityPolicy"];
    assert_eq!(
        csp["Override"].as_bool(),
        Some(false),
        "the report's own stricter policy (an inline style by hash) must survive"
    );
    for pattern in ["/api/*", "/auth/*", "/members/*"] {
        let b = behaviours
            .get(pattern)
            .unwrap_or_else(|| panic!("no behaviour for {pattern}"));
        assert_eq!(b["TargetOriginId"].as_str(), Some("api"), "{pattern}");
        assert!(!b["ResponseHeadersPolicyId"].is_null(), "{pattern}");
    }
    // The members area reaches the session function untouched: some of its
    // paths are pages it renders (/members/, /members/duo/), not files, so
    // no pretty-URL rewrite to index.html on the way.
    assert!(behaviours["/members/*"]["FunctionAssociations"].is_null());
    // Every page the views render reaches the session function: CloudFront
    // sends it to the API, and the session binary owns it.
    let glob = |pattern: &str, path: &str| match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    };
    for path in functions::views::PATHS {
        let path = path.replace("{id}", "midpoint");
        let pattern = behaviours
            .keys()
            .filter(|p| glob(p, &path))
            .max_by_key(|p| p.len())
            .unwrap_or_else(|| {
                panic!("{path}: no CloudFront behaviour; it would go to the site bucket")
            });
        assert_eq!(
            behaviours[pattern]["TargetOriginId"].as_str(),
            Some("api"),
            "{path} ({pattern})"
        );
        assert_eq!(Function::for_path(&path), Some(Function::Session), "{path}");
    }
    assert_eq!(
        d["DefaultCacheBehavior"]["TargetOriginId"].as_str(),
        Some("site")
    );
    let headers = &resource(&t, "SecurityHeadersPolicy")["Properties"]
        ["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    for k in [
        "ContentSecurityPolicy",
        "StrictTransportSecurity",
        "ContentTypeOptions",
        "ReferrerPolicy",
        "FrameOptions",
    ] {
        assert!(!headers[k].is_null(), "security header {k}");
    }
    let throttling = &resource(&t, "HttpApi")["Properties"]["DefaultRouteSettings"];
    assert!(!throttling["ThrottlingBurstLimit"].is_null());
    assert!(!throttling["ThrottlingRateLimit"].is_null());
}

#[test]
fn a_missing_public_page_is_the_sites_404_page() {
    let t = template();
    let d = &resource(&t, "Distribution")["Properties"]["DistributionConfig"];
    let errors = d["CustomErrorResponses"]
        .as_sequence()
        .expect("the distribution has CustomErrorResponses");
    let by_code: BTreeMap<i64, &Value> = errors
        .iter()
        .map(|e| (e["ErrorCode"].as_i64().expect("ErrorCode"), e))
        .collect();
    let not_found = by_code.get(&404).expect("a custom error response for 404");
    assert_eq!(not_found["ResponsePagePath"].as_str(), Some("/404.html"));
    assert_eq!(not_found["ResponseCode"].as_i64(), Some(404));
    assert!(
        not_found["ErrorCachingMinTTL"]
            .as_i64()
            .is_some_and(|ttl| ttl <= 300),
        "a page published after a miss shows within minutes"
    );
    // Error responses apply to every origin: a 403 mapping would turn the
    // functions' refusals (not in good standing, CSRF, not permitted) into
    // "page not found".
    assert!(
        !by_code.contains_key(&403),
        "403 must reach the browser as the functions send it"
    );
    // S3 says 404 (not 403) for a missing object only when the reader may
    // list the bucket: CloudFront's grant on the site bucket includes it.
    let policy = &resource(&t, "SiteBucketPolicy")["Properties"]["PolicyDocument"];
    let cloudfront = policy["Statement"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| mentions(&s["Principal"], "cloudfront.amazonaws.com"))
        .expect("CloudFront's statement on the site bucket");
    let actions = str_list(&cloudfront["Action"]);
    assert!(
        actions.contains(&"s3:ListBucket".to_string()),
        "{actions:?}"
    );
    // The page exists: the theme has the template the generator renders to
    // public/404.html.
    assert!(repo().join("themes/default/templates/404.html").is_file());
}

#[test]
fn sign_in_is_cognito_or_an_external_issuer_and_secrets_are_only_named() {
    let t = template();
    let client = &resource(&t, "UserPoolClient")["Properties"];
    assert_eq!(client["GenerateSecret"].as_bool(), Some(false));
    assert_eq!(str_list(&client["AllowedOAuthFlows"]), ["code"]);
    for id in ["UserPool", "UserPoolClient", "UserPoolDomain"] {
        assert_eq!(
            resource(&t, id)["Condition"].as_str(),
            Some("UseCognito"),
            "{id}"
        );
    }
    // No SSM parameter (and so no secret value) is created by the template.
    assert!(of_type(&t, "AWS::SSM::Parameter").is_empty());
    for p in ["SessionSecretParameterName", "SurveySecretParameterName"] {
        let default = t["Parameters"][p]["Default"].as_str().unwrap();
        assert!(default.starts_with('/'), "{p} names a parameter: {default}");
    }
    let text = std::fs::read_to_string(repo().join("infra/template.yaml")).unwrap();
    assert!(
        !text.contains("resolve:ssm-secure"),
        "no secret value resolved into the template"
    );
}

/// The bonus check: the Store calls in the code a function runs are covered
/// by its DynamoDB actions. Each API function runs the router (roles,
/// idempotency, records) and its handlers module; the session function the
/// sign-in routes, the roster directory and the members gate; the scheduler
/// `src/scheduler.rs`.
#[test]
fn store_calls_in_the_code_are_covered_by_the_policies() {
    let src = repo().join("functions/src");
    // `records/mod.rs` is the duos-store crate's (store/src/records), the
    // rest functions' own; `records.rs` is functions' part of the records.
    let read = |rel: &str| {
        let path = match rel {
            "records/mod.rs" => repo().join("store/src/records/mod.rs"),
            _ => src.join(rel),
        };
        std::fs::read_to_string(path).unwrap_or_default()
    };
    let sources = |spec: &FunctionSpec| -> Vec<(String, String)> {
        let mut texts: Vec<(String, String)> = Vec::new();
        match spec.name {
            "scheduler" => texts.push(("scheduler.rs".into(), read("scheduler.rs"))),
            "session" => {
                for f in [
                    "auth/routes.rs",
                    "roles.rs",
                    "members_gate.rs",
                    "members_area.rs",
                    "views/mod.rs",
                    "report/mod.rs",
                    "records/mod.rs",
                    "records.rs",
                ] {
                    texts.push((f.into(), read(f)));
                }
                // The alumni page's reads (alumni::standing and what it
                // calls), not the handlers after them.
                let alumni = read("alumni.rs");
                let reads = alumni
                    .split_once("struct OptInBody")
                    .map(|(before, _)| before.to_owned())
                    .unwrap_or_default();
                assert!(
                    reads.contains("pub async fn standing("),
                    "alumni.rs: standing not found before the handlers"
                );
                texts.push(("alumni.rs (reads)".into(), reads));
                // Only the directory sign-in uses, not the CLI's roster import.
                let roster = read("roster.rs");
                let directory = roster
                    .split_once("impl MemberDirectory for StoreDirectory")
                    .map(|(_, rest)| rest.to_owned())
                    .unwrap_or_default();
                assert!(!directory.is_empty(), "roster.rs: StoreDirectory not found");
                texts.push(("roster.rs (StoreDirectory)".into(), directory));
            }
            name => {
                for f in [
                    "router.rs",
                    "roles.rs",
                    "idempotency.rs",
                    "records/mod.rs",
                    "records.rs",
                    "handlers/mod.rs",
                ] {
                    texts.push((f.into(), read(f)));
                }
                let module = format!("handlers/{name}.rs");
                let text = read(&module);
                assert!(!text.is_empty(), "{name}: no {module}");
                texts.push((module, text));
                // The alumni handlers (POST /api/alumni on me,
                // /api/alumni/volunteer on applications).
                if ["me", "applications"].contains(&name) {
                    texts.push(("alumni.rs".into(), read("alumni.rs")));
                }
            }
        }
        texts
    };
    let calls = [
        (".get(", "dynamodb:GetItem"),
        (".get_many(", "dynamodb:BatchGetItem"),
        (".put(", "dynamodb:PutItem"),
        (".update(", "dynamodb:UpdateItem"),
        (".delete(", "dynamodb:DeleteItem"),
        (".query(", "dynamodb:Query"),
        (".transact(", TRANSACT),
    ];
    let helpers = [
        ("records::get(", "dynamodb:GetItem"),
        ("roster::load_member(", "dynamodb:GetItem"),
        ("audit::recent(", "dynamodb:Query"),
    ];
    for spec in FUNCTIONS {
        let mut used: BTreeMap<&str, String> = BTreeMap::new();
        for (file, text) in sources(spec) {
            // Only calls on a store: `store.get(`, `app.store.put(`,
            // `self.app.store.query(`, `store().update(`...
            let code: String = text.split_whitespace().collect();
            for (call, action) in calls {
                for receiver in ["store", "store()", "store.as_ref()"] {
                    if code.contains(&format!("{receiver}{call}")) {
                        used.entry(action).or_insert_with(|| file.clone());
                    }
                }
            }
            for (helper, action) in helpers {
                if code.contains(helper) {
                    used.entry(action).or_insert_with(|| file.clone());
                }
            }
        }
        // Mail: the function's own module sends (directly or via notify).
        let own = match spec.name {
            "scheduler" => read("scheduler.rs"),
            "session" => read("auth/routes.rs"),
            name => read(&format!("handlers/{name}.rs")),
        };
        let sends = own.contains("mailer.send(") || own.contains("notify(");
        assert_eq!(
            sends, spec.mails,
            "{}: sends mail in its code: {sends}; deploy::FUNCTIONS says mails: {}",
            spec.name, spec.mails
        );
        for (action, file) in used {
            assert!(
                spec.calls(action),
                "{}: {file} calls {action}, which deploy::FUNCTIONS does not list for it",
                spec.name
            );
        }
    }
}
