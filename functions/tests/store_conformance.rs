//! One conformance suite for both `Store` implementations: each case is an
//! async function over `Arc<dyn Store>`, run against the on-disk embedded
//! store (always) and against DynamoDB as spoken by moto on 127.0.0.1 (see
//! `support/moto.rs`).

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use functions::store::{
    Condition, Item, Key, Query, Store, StoreError, TransactOp, UpdateAction, Value,
};

/// Generates one `#[tokio::test]` per case and backend. Cases listed under
/// `concurrent` need a DynamoDB endpoint that applies concurrent transactions
/// atomically (see `support/moto.rs`).
macro_rules! conformance {
    (plain: [$($plain:ident),* $(,)?], concurrent: [$($conc:ident),* $(,)?] $(,)?) => {
        mod embedded {
            $(conformance!(@embedded $plain);)*
            $(conformance!(@embedded $conc);)*
        }
        mod dynamodb {
            $(conformance!(@dynamodb $plain, Any);)*
            $(conformance!(@dynamodb $conc, Atomic);)*
        }
    };
    (@embedded $case:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $case() {
            let (store, _dir) = crate::support::embedded_store();
            crate::cases::$case(store).await;
        }
    };
    (@dynamodb $case:ident, $need:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $case() {
            let need = crate::support::moto::Need::$need;
            let Some(store) = crate::support::dynamo_store(stringify!($case), need).await else {
                return;
            };
            crate::cases::$case(std::sync::Arc::new(store)).await;
        }
    };
}

conformance!(
    plain: [
        put_get_roundtrip_every_value_type,
        put_if_not_exists_conflicts,
        put_replaces_the_whole_item,
        update_add_returns_new_value,
        update_rejects_bad_requests,
        guarded_counter_refuses_at_cap,
        transact_is_all_or_nothing,
        transact_applies_every_kind_of_op,
        transact_rejects_bad_requests,
        query_prefix_ordering_and_limit,
        gsi_query_follows_writes,
        delete_with_condition,
        stats_count_items,
        get_many_answers_each_key_in_order,
        get_many_rejects_bad_keys,
    ],
    concurrent: [
        concurrent_cap_admits_exactly_25_of_200,
        concurrent_lock_admits_exactly_one_of_50,
    ],
);

fn key(pk: &str, sk: &str) -> Key {
    Key::new(pk, sk)
}

fn sks(items: &[Item]) -> Vec<&str> {
    items.iter().map(Item::sk).collect()
}

fn assert_condition_failed<T: std::fmt::Debug>(
    result: Result<T, StoreError>,
    op_index: Option<usize>,
) {
    match result {
        Err(StoreError::ConditionFailed { op_index: got }) => assert_eq!(got, op_index),
        other => panic!("expected ConditionFailed {{ op_index: {op_index:?} }}, got {other:?}"),
    }
}

fn assert_invalid<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    assert!(
        matches!(result, Err(StoreError::Invalid(_))),
        "expected Invalid, got {result:?}"
    );
}

mod cases {
    use super::*;

    pub async fn put_get_roundtrip_every_value_type(store: Arc<dyn Store>) {
        let k = key("COHORT#2008", "APP#MENTEE#m-1");
        assert_eq!(store.get(&k).await.unwrap(), None, "missing item is None");

        let mut nested = BTreeMap::new();
        nested.insert("when".to_owned(), Value::from("2008-06-28"));
        nested.insert("scores".to_owned(), Value::from(vec![5i64, 4, 3]));
        nested.insert(
            "inner".to_owned(),
            Value::M(BTreeMap::from([("ok".to_owned(), Value::Bool(false))])),
        );
        let item = Item::new(&k)
            .with("name", "Ada Lovelace")
            .with("empty", "")
            .with("unicode", "Zoë — 図書館 📚")
            .with("count", 42i64)
            .with("negative", -7i64)
            .with("big", i64::MAX)
            .with("small", i64::MIN + 1)
            .with("zero", 0i64)
            .with("yes", true)
            .with("no", false)
            .with("nothing", Value::Null)
            .with("tags", vec!["leadership", "cataloging"])
            .with(
                "mixed",
                Value::L(vec![
                    Value::from("a"),
                    Value::N(1),
                    Value::Bool(true),
                    Value::Null,
                    Value::L(vec![]),
                ]),
            )
            .with("answers", Value::M(nested))
            .with("empty_map", Value::M(BTreeMap::new()))
            .with_gsi1("MEMBER#m-1", "APP#2008");
        store.put(item.clone(), None).await.unwrap();
        let got = store.get(&k).await.unwrap().expect("item was written");
        assert_eq!(got, item);
        assert_eq!(got.get_str("name"), Some("Ada Lovelace"));
        assert_eq!(got.get_i64("count"), Some(42));
        assert_eq!(got.get_bool("yes"), Some(true));
        assert_eq!(got.key(), Some(k.clone()));
        assert_eq!(got.gsi1(), Some(("MEMBER#m-1", "APP#2008")));

        // Keys are exact: neighbours are distinct items.
        assert_eq!(
            store
                .get(&key("COHORT#2008", "APP#MENTEE#m-"))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .get(&key("COHORT#2009", "APP#MENTEE#m-1"))
                .await
                .unwrap(),
            None
        );
    }

    pub async fn put_if_not_exists_conflicts(store: Arc<dyn Store>) {
        let k = key("COHORT#2008", "MENTOR#m-9");
        let first = Item::new(&k).with("mentee", "m-1");
        store
            .put(first.clone(), Some(Condition::not_exists()))
            .await
            .unwrap();
        let second = Item::new(&k).with("mentee", "m-2");
        assert_condition_failed(
            store
                .put(second.clone(), Some(Condition::not_exists()))
                .await,
            None,
        );
        assert_eq!(
            store.get(&k).await.unwrap(),
            Some(first.clone()),
            "the loser wrote nothing"
        );

        // attribute_exists on a missing item fails; on a present one passes.
        let other = key("COHORT#2008", "MENTOR#m-10");
        assert_condition_failed(
            store
                .put(Item::new(&other), Some(Condition::exists()))
                .await,
            None,
        );
        assert_eq!(store.get(&other).await.unwrap(), None);
        store
            .put(
                second.clone(),
                Some(Condition::exists().and(Condition::eq("mentee", "m-1"))),
            )
            .await
            .unwrap();
        assert_eq!(store.get(&k).await.unwrap(), Some(second));
    }

    pub async fn put_replaces_the_whole_item(store: Arc<dyn Store>) {
        let k = key("COHORT#2008", "PROFILE#m-1");
        store
            .put(Item::new(&k).with("a", 1i64).with("b", "x"), None)
            .await
            .unwrap();
        store.put(Item::new(&k).with("b", "y"), None).await.unwrap();
        let got = store.get(&k).await.unwrap().unwrap();
        assert_eq!(got, Item::new(&k).with("b", "y"));
        assert!(!got.contains("a"));

        // Items without a proper key are refused.
        assert_invalid(store.put(Item::default().with("pk", "P"), None).await);
        assert_invalid(
            store
                .put(
                    Item::from_attrs(BTreeMap::from([
                        ("pk".to_owned(), Value::from("P")),
                        ("sk".to_owned(), Value::N(1)),
                    ])),
                    None,
                )
                .await,
        );
        assert_invalid(store.put(Item::new(&key("P", "")), None).await);
        assert_invalid(
            store
                .put(
                    Item::new(&key("P", "S"))
                        .with("gsi1pk", 5i64)
                        .with("gsi1sk", "x"),
                    None,
                )
                .await,
        );
    }

    pub async fn update_add_returns_new_value(store: Arc<dyn Store>) {
        let k = key("COHORT#2008", "COUNT#MENTEE");
        // ADD on a missing item creates it, counting from 0.
        let new = store
            .update(&k, vec![UpdateAction::add("count", 1)], None)
            .await
            .unwrap();
        assert_eq!(new.get_i64("count"), Some(1));
        assert_eq!(new.key(), Some(k.clone()));
        let new = store
            .update(&k, vec![UpdateAction::add("count", 5)], None)
            .await
            .unwrap();
        assert_eq!(new.get_i64("count"), Some(6));
        let new = store
            .update(&k, vec![UpdateAction::add("count", -2)], None)
            .await
            .unwrap();
        assert_eq!(new.get_i64("count"), Some(4));

        // SET, ADD and REMOVE together; the result is the whole new item.
        store
            .update(
                &k,
                vec![
                    UpdateAction::set("note", "temp"),
                    UpdateAction::set("status", "open"),
                ],
                None,
            )
            .await
            .unwrap();
        let new = store
            .update(
                &k,
                vec![
                    UpdateAction::add("count", 1),
                    UpdateAction::set("status", "closed"),
                    UpdateAction::set("reviewers", vec!["c-1", "c-2"]),
                    UpdateAction::remove("note"),
                ],
                Some(Condition::eq("status", "open")),
            )
            .await
            .unwrap();
        let expected = Item::new(&k)
            .with("count", 5i64)
            .with("status", "closed")
            .with("reviewers", vec!["c-1", "c-2"]);
        assert_eq!(new, expected);
        assert_eq!(store.get(&k).await.unwrap(), Some(expected.clone()));

        // A failed condition changes nothing.
        assert_condition_failed(
            store
                .update(
                    &k,
                    vec![UpdateAction::add("count", 1)],
                    Some(Condition::eq("status", "open")),
                )
                .await,
            None,
        );
        // Types matter in comparisons: N 5 is not S "5".
        assert_condition_failed(
            store
                .update(
                    &k,
                    vec![UpdateAction::add("count", 1)],
                    Some(Condition::eq("count", "5")),
                )
                .await,
            None,
        );
        assert_eq!(store.get(&k).await.unwrap(), Some(expected));
        // An update may create the item only if its condition allows.
        let missing = key("COHORT#2008", "COUNT#NONE");
        assert_condition_failed(
            store
                .update(
                    &missing,
                    vec![UpdateAction::add("count", 1)],
                    Some(Condition::exists()),
                )
                .await,
            None,
        );
        assert_eq!(store.get(&missing).await.unwrap(), None);
    }

    pub async fn update_rejects_bad_requests(store: Arc<dyn Store>) {
        let k = key("COHORT#2008", "APP#MENTEE#m-1");
        store
            .put(Item::new(&k).with("status", "draft"), None)
            .await
            .unwrap();
        assert_invalid(store.update(&k, vec![], None).await);
        assert_invalid(
            store
                .update(&k, vec![UpdateAction::set("pk", "other")], None)
                .await,
        );
        assert_invalid(
            store
                .update(&k, vec![UpdateAction::set("sk", "other")], None)
                .await,
        );
        assert_invalid(
            store
                .update(
                    &k,
                    vec![UpdateAction::set("a", 1i64), UpdateAction::remove("a")],
                    None,
                )
                .await,
        );
        assert_invalid(
            store
                .update(&k, vec![UpdateAction::set("gsi1pk", true)], None)
                .await,
        );
        // ADD to a string is refused by the backend and changes nothing.
        assert_invalid(
            store
                .update(&k, vec![UpdateAction::add("status", 1)], None)
                .await,
        );
        assert_eq!(
            store.get(&k).await.unwrap(),
            Some(Item::new(&k).with("status", "draft"))
        );
    }

    pub async fn guarded_counter_refuses_at_cap(store: Arc<dyn Store>) {
        let k = key("COHORT#2008", "COUNT#MENTEE");
        // `count < cap` alone is false on a missing counter...
        assert_condition_failed(
            store
                .update(
                    &k,
                    vec![UpdateAction::add("count", 1)],
                    Some(Condition::lt("count", 3)),
                )
                .await,
            None,
        );
        assert_eq!(store.get(&k).await.unwrap(), None);
        // ...so a counter is guarded by `attribute_not_exists(count) OR count < cap`.
        for expected in 1..=3 {
            let new = store
                .update(
                    &k,
                    vec![UpdateAction::add("count", 1)],
                    Some(Condition::below("count", 3)),
                )
                .await
                .unwrap();
            assert_eq!(new.get_i64("count"), Some(expected));
        }
        assert_condition_failed(
            store
                .update(
                    &k,
                    vec![UpdateAction::add("count", 1)],
                    Some(Condition::below("count", 3)),
                )
                .await,
            None,
        );
        assert_eq!(
            store.get(&k).await.unwrap().unwrap().get_i64("count"),
            Some(3)
        );
        // Raising the cap admits one more.
        let new = store
            .update(
                &k,
                vec![UpdateAction::add("count", 1)],
                Some(Condition::lt("count", 4)),
            )
            .await
            .unwrap();
        assert_eq!(new.get_i64("count"), Some(4));
    }

    pub async fn transact_is_all_or_nothing(store: Arc<dyn Store>) {
        let taken = key("COHORT#2008", "MENTOR#m-9");
        store
            .put(Item::new(&taken).with("mentee", "m-1"), None)
            .await
            .unwrap();
        let counter = key("COHORT#2008", "COUNT#MATCH");
        let record = key("COHORT#2008", "MATCH#x-2");
        let audit = key("AUDIT#2008", "2008-09-01T10:00:00Z#x-2");

        let ops = vec![
            TransactOp::put_if(
                Item::new(&record).with("mentee", "m-2"),
                Condition::not_exists(),
            ),
            TransactOp::update(
                counter.clone(),
                vec![UpdateAction::add("count", 1)],
                Some(Condition::below("count", 10)),
            ),
            TransactOp::put_if(
                Item::new(&taken).with("mentee", "m-2"),
                Condition::not_exists(),
            ),
            TransactOp::put(Item::new(&audit).with("what", "match")),
        ];
        assert_condition_failed(store.transact(ops).await, Some(2));
        assert_eq!(store.get(&record).await.unwrap(), None, "no orphan record");
        assert_eq!(
            store.get(&counter).await.unwrap(),
            None,
            "counter untouched"
        );
        assert_eq!(store.get(&audit).await.unwrap(), None, "no audit item");
        assert_eq!(
            store.get(&taken).await.unwrap(),
            Some(Item::new(&taken).with("mentee", "m-1")),
            "the lock keeps its holder"
        );

        // A failing condition check (first op) is reported as op 0.
        let ops = vec![
            TransactOp::check(taken.clone(), Condition::eq("mentee", "m-3")),
            TransactOp::put(Item::new(&record)),
        ];
        assert_condition_failed(store.transact(ops).await, Some(0));
        assert_eq!(store.get(&record).await.unwrap(), None);
    }

    pub async fn transact_applies_every_kind_of_op(store: Arc<dyn Store>) {
        let app = key("COHORT#2008", "APP#MENTEE#m-1");
        let gone = key("COHORT#2008", "REQUEST#r-1");
        let counter = key("COHORT#2008", "COUNT#MENTEE");
        let lock = key("COHORT#2008", "MENTEE#m-1");
        store
            .put(Item::new(&app).with("status", "submitted"), None)
            .await
            .unwrap();
        store
            .put(Item::new(&gone).with("status", "pending"), None)
            .await
            .unwrap();

        let ops = vec![
            TransactOp::check(app.clone(), Condition::eq("status", "submitted")),
            TransactOp::update(
                counter.clone(),
                vec![UpdateAction::add("count", 1)],
                Some(Condition::below("count", 25)),
            ),
            TransactOp::delete(gone.clone(), Some(Condition::eq("status", "pending"))),
            TransactOp::put_if(
                Item::new(&lock)
                    .with("since", "2008-07-01")
                    .with_gsi1("MEMBER#m-1", "LOCK#2008"),
                Condition::not_exists(),
            ),
        ];
        store.transact(ops).await.unwrap();
        assert_eq!(
            store.get(&app).await.unwrap(),
            Some(Item::new(&app).with("status", "submitted"))
        );
        assert_eq!(
            store.get(&counter).await.unwrap().unwrap().get_i64("count"),
            Some(1)
        );
        assert_eq!(store.get(&gone).await.unwrap(), None);
        assert_eq!(
            store.get(&lock).await.unwrap().unwrap().get_str("since"),
            Some("2008-07-01")
        );
        let member = store.query(&Query::gsi1("MEMBER#m-1")).await.unwrap();
        assert_eq!(sks(&member), ["MENTEE#m-1"]);

        // A single-op transaction whose condition fails names op 0.
        assert_condition_failed(
            store
                .transact(vec![TransactOp::put_if(
                    Item::new(&lock),
                    Condition::not_exists(),
                )])
                .await,
            Some(0),
        );
    }

    pub async fn transact_rejects_bad_requests(store: Arc<dyn Store>) {
        let k = key("COHORT#2008", "MATCH#1");
        assert_invalid(store.transact(vec![]).await);
        // Two ops on one item.
        assert_invalid(
            store
                .transact(vec![
                    TransactOp::put(Item::new(&k)),
                    TransactOp::update(k.clone(), vec![UpdateAction::add("n", 1)], None),
                ])
                .await,
        );
        // An op the backend refuses (ADD to a string) fails the whole
        // transaction as invalid.
        let text = key("COHORT#2008", "TEXT#1");
        store
            .put(Item::new(&text).with("status", "draft"), None)
            .await
            .unwrap();
        assert_invalid(
            store
                .transact(vec![
                    TransactOp::put(Item::new(&k)),
                    TransactOp::update(text.clone(), vec![UpdateAction::add("status", 1)], None),
                ])
                .await,
        );
        assert_eq!(store.get(&k).await.unwrap(), None);
        store.delete(&text, None).await.unwrap();
        // More than 100 ops.
        let many = (0..101)
            .map(|i| TransactOp::put(Item::new(&key("COHORT#2008", &format!("X#{i:03}")))))
            .collect();
        assert_invalid(store.transact(many).await);
        assert!(store
            .query(&Query::table("COHORT#2008"))
            .await
            .unwrap()
            .is_empty());
        // 100 ops is fine.
        let hundred = (0..100)
            .map(|i| TransactOp::put(Item::new(&key("COHORT#2008", &format!("X#{i:03}")))))
            .collect();
        store.transact(hundred).await.unwrap();
        assert_eq!(
            store
                .query(&Query::table("COHORT#2008"))
                .await
                .unwrap()
                .len(),
            100
        );
    }

    pub async fn query_prefix_ordering_and_limit(store: Arc<dyn Store>) {
        let pk = "COHORT#2008";
        for sk in [
            "APP#MENTEE#m-2",
            "COUNT#MENTEE",
            "APP#MENTOR#m-3",
            "APP#MENTEE#m-10",
            "APP#MENTEE#m-1",
            "APP#",
        ] {
            store
                .put(Item::new(&key(pk, sk)).with("n", sk.len() as i64), None)
                .await
                .unwrap();
        }
        store
            .put(Item::new(&key("COHORT#2009", "APP#MENTEE#m-1")), None)
            .await
            .unwrap();
        store
            .put(Item::new(&key("COHORT#20080", "APP#MENTEE#m-1")), None)
            .await
            .unwrap();

        let all = store.query(&Query::table(pk)).await.unwrap();
        assert_eq!(
            sks(&all),
            [
                "APP#",
                "APP#MENTEE#m-1",
                "APP#MENTEE#m-10",
                "APP#MENTEE#m-2",
                "APP#MENTOR#m-3",
                "COUNT#MENTEE"
            ]
        );
        assert!(all.iter().all(|i| i.pk() == pk));
        assert_eq!(all[1].get_i64("n"), Some(14), "whole items come back");

        let mentees = store
            .query(&Query::table(pk).prefix("APP#MENTEE#"))
            .await
            .unwrap();
        assert_eq!(
            sks(&mentees),
            ["APP#MENTEE#m-1", "APP#MENTEE#m-10", "APP#MENTEE#m-2"]
        );
        let apps = store.query(&Query::table(pk).prefix("APP#")).await.unwrap();
        assert_eq!(apps.len(), 5);
        let limited = store
            .query(&Query::table(pk).prefix("APP#MENTEE#").limit(2))
            .await
            .unwrap();
        assert_eq!(sks(&limited), ["APP#MENTEE#m-1", "APP#MENTEE#m-10"]);
        let newest = store
            .query(&Query::table(pk).prefix("APP#MENTEE#").descending().limit(2))
            .await
            .unwrap();
        assert_eq!(sks(&newest), ["APP#MENTEE#m-2", "APP#MENTEE#m-10"]);
        let desc = store.query(&Query::table(pk).descending()).await.unwrap();
        assert_eq!(desc.first().map(Item::sk), Some("COUNT#MENTEE"));
        assert_eq!(desc.len(), 6);
        assert!(store
            .query(&Query::table(pk).limit(0))
            .await
            .unwrap()
            .is_empty());
        assert!(store
            .query(&Query::table(pk).prefix("ZZZ"))
            .await
            .unwrap()
            .is_empty());
        assert!(store
            .query(&Query::table("COHORT#1999"))
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            store
                .query(&Query::table("COHORT#2009"))
                .await
                .unwrap()
                .len(),
            1
        );
        assert_invalid(store.query(&Query::table("")).await);
    }

    pub async fn gsi_query_follows_writes(store: Arc<dyn Store>) {
        let member = "MEMBER#m-1";
        let app = key("COHORT#2008", "APP#MENTEE#m-1");
        let survey = key("SURVEY#2008#midway", "DONE#abc");
        let duo = key("COHORT#2008", "DUO#d-1");
        let other = key("COHORT#2008", "APP#MENTEE#m-2");
        store
            .put(Item::new(&app).with_gsi1(member, "2008#APP"), None)
            .await
            .unwrap();
        store
            .put(
                Item::new(&duo)
                    .with("mentor", "m-9")
                    .with_gsi1(member, "2008#DUO"),
                None,
            )
            .await
            .unwrap();
        store
            .put(
                Item::new(&key("COHORT#2007", "APP#MENTEE#m-1")).with_gsi1(member, "2007#APP"),
                None,
            )
            .await
            .unwrap();
        store
            .put(Item::new(&other).with_gsi1("MEMBER#m-2", "2008#APP"), None)
            .await
            .unwrap();
        // Not in the index: only one of the two index keys.
        store
            .put(Item::new(&survey).with("gsi1pk", member), None)
            .await
            .unwrap();

        let everything = store.query(&Query::gsi1(member)).await.unwrap();
        let keys: Vec<(String, String)> = everything
            .iter()
            .map(|i| (i.pk().to_owned(), i.sk().to_owned()))
            .collect();
        assert_eq!(
            keys,
            [
                ("COHORT#2007".to_owned(), "APP#MENTEE#m-1".to_owned()),
                ("COHORT#2008".to_owned(), "APP#MENTEE#m-1".to_owned()),
                ("COHORT#2008".to_owned(), "DUO#d-1".to_owned()),
            ]
        );
        assert_eq!(
            everything[2].get_str("mentor"),
            Some("m-9"),
            "projection is ALL"
        );
        let in_2008 = store
            .query(&Query::gsi1(member).prefix("2008#"))
            .await
            .unwrap();
        assert_eq!(sks(&in_2008), ["APP#MENTEE#m-1", "DUO#d-1"]);
        let latest = store
            .query(&Query::gsi1(member).descending().limit(1))
            .await
            .unwrap();
        assert_eq!(sks(&latest), ["DUO#d-1"]);
        let first = store.query(&Query::gsi1(member).limit(1)).await.unwrap();
        assert_eq!(first[0].pk(), "COHORT#2007");

        // An update that changes the index key moves the item in the index.
        store
            .update(&app, vec![UpdateAction::set("gsi1sk", "2008#ZAPP")], None)
            .await
            .unwrap();
        let in_2008 = store
            .query(&Query::gsi1(member).prefix("2008#"))
            .await
            .unwrap();
        assert_eq!(sks(&in_2008), ["DUO#d-1", "APP#MENTEE#m-1"]);
        // Removing an index key takes it out of the index; delete too.
        store
            .update(&app, vec![UpdateAction::remove("gsi1pk")], None)
            .await
            .unwrap();
        store.delete(&duo, None).await.unwrap();
        let in_2008 = store
            .query(&Query::gsi1(member).prefix("2008#"))
            .await
            .unwrap();
        assert!(in_2008.is_empty(), "got {in_2008:?}");
        // Setting both index keys by update puts it (back) in.
        store
            .update(
                &survey,
                vec![UpdateAction::set("gsi1sk", "2008#SURVEY")],
                None,
            )
            .await
            .unwrap();
        let in_2008 = store
            .query(&Query::gsi1(member).prefix("2008#"))
            .await
            .unwrap();
        assert_eq!(sks(&in_2008), ["DONE#abc"]);
        assert_eq!(
            store.query(&Query::gsi1("MEMBER#m-2")).await.unwrap().len(),
            1
        );
    }

    pub async fn delete_with_condition(store: Arc<dyn Store>) {
        let k = key("COHORT#2008", "REQUEST#r-1");
        let item = Item::new(&k).with("status", "accepted");
        store.put(item.clone(), None).await.unwrap();
        assert_condition_failed(
            store
                .delete(&k, Some(Condition::eq("status", "pending")))
                .await,
            None,
        );
        assert_eq!(store.get(&k).await.unwrap(), Some(item.clone()));
        let old = store
            .delete(&k, Some(Condition::eq("status", "accepted")))
            .await
            .unwrap();
        assert_eq!(old, Some(item));
        assert_eq!(store.get(&k).await.unwrap(), None);
        // Deleting a missing item is fine, unless the condition needs it.
        assert_eq!(store.delete(&k, None).await.unwrap(), None);
        assert_condition_failed(store.delete(&k, Some(Condition::exists())).await, None);
        assert_condition_failed(
            store
                .delete(&k, Some(Condition::attr_exists("status")))
                .await,
            None,
        );
        store.put(Item::new(&k), None).await.unwrap();
        store
            .delete(&k, Some(Condition::attr_not_exists("status")))
            .await
            .unwrap();
        assert_eq!(store.get(&k).await.unwrap(), None);
    }

    pub async fn stats_count_items(store: Arc<dyn Store>) {
        let start = store.stats();
        let a = key("COHORT#2008", "APP#MENTEE#a");
        let b = key("COHORT#2008", "APP#MENTEE#b");
        store.put(Item::new(&a), None).await.unwrap();
        store.get(&a).await.unwrap();
        store
            .transact(vec![
                TransactOp::check(a.clone(), Condition::exists()),
                TransactOp::put(Item::new(&b)),
                TransactOp::update(
                    key("COHORT#2008", "COUNT#MENTEE"),
                    vec![UpdateAction::add("count", 2)],
                    None,
                ),
            ])
            .await
            .unwrap();
        let found = store
            .query(&Query::table("COHORT#2008").prefix("APP#"))
            .await
            .unwrap();
        assert_eq!(found.len(), 2);
        let used = store.stats().since(&start);
        assert_eq!(used.requests, 4);
        assert_eq!(used.items_read, 1 + 1 + 2, "get + check + 2 queried");
        assert_eq!(used.items_written, 1 + 2, "put + transact put/update");
    }

    /// One batch read answers every key in the order asked: items as
    /// stored, `None` where nothing is, a key asked twice answered twice,
    /// past DynamoDB's 100 keys per BatchGetItem; the latest write is read.
    pub async fn get_many_answers_each_key_in_order(store: Arc<dyn Store>) {
        assert!(store.get_many(&[]).await.unwrap().is_empty());
        let stored: Vec<Key> = (0..130)
            .map(|i| {
                key(
                    &format!("COHORT#{}", 2000 + i % 3),
                    &format!("APP#MENTOR#m-{i:03}"),
                )
            })
            .collect();
        for (i, k) in stored.iter().enumerate() {
            let item = Item::new(k).with("n", Value::N(i as i64));
            store.put(item, None).await.unwrap();
        }
        // The latest write wins (strongly consistent).
        store
            .put(Item::new(&stored[7]).with("n", Value::N(700)), None)
            .await
            .unwrap();
        let missing = key("COHORT#2001", "APP#MENTOR#nobody");
        let mut asked: Vec<Key> = stored.iter().rev().cloned().collect();
        asked.insert(3, missing.clone());
        asked.push(stored[7].clone());
        asked.push(missing.clone());
        let start = store.stats();
        let got = store.get_many(&asked).await.unwrap();
        let used = store.stats().since(&start);
        assert_eq!(got.len(), asked.len());
        for (k, item) in asked.iter().zip(&got) {
            if *k == missing {
                assert!(item.is_none(), "{k:?} was never written");
                continue;
            }
            let item = item.as_ref().unwrap_or_else(|| panic!("{k:?} is stored"));
            assert_eq!(item.key().as_ref(), Some(k));
            let i = stored.iter().position(|s| s == k).unwrap() as i64;
            let expected = if i == 7 { 700 } else { i };
            assert_eq!(item.get_i64("n"), Some(expected), "{k:?}");
        }
        assert!(
            (1..=2).contains(&used.requests),
            "131 distinct keys take one or two round trips, not {}",
            used.requests
        );
    }

    /// A key without its partition or sort key is refused before anything
    /// is read.
    pub async fn get_many_rejects_bad_keys(store: Arc<dyn Store>) {
        let start = store.stats();
        let result = store
            .get_many(&[key("COHORT#2008", "APP#MENTEE#a"), key("", "APP#MENTEE#b")])
            .await;
        assert_invalid(result);
        assert_eq!(store.stats().since(&start).requests, 0);
    }

    /// 200 concurrent "count this application if fewer than 25 are counted,
    /// and write it" transactions: exactly 25 get through.
    pub async fn concurrent_cap_admits_exactly_25_of_200(store: Arc<dyn Store>) {
        const CAP: i64 = 25;
        let started = Instant::now();
        let counter = key("COHORT#2008", "COUNT#MENTEE");
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..200 {
            let store = Arc::clone(&store);
            let counter = counter.clone();
            tasks.spawn(async move {
                let app = Item::new(&key("COHORT#2008", &format!("APP#MENTEE#m-{i:03}")))
                    .with("member", i as i64);
                store
                    .transact(vec![
                        TransactOp::update(
                            counter,
                            vec![UpdateAction::add("count", 1)],
                            Some(Condition::below("count", CAP)),
                        ),
                        TransactOp::put_if(app, Condition::not_exists()),
                    ])
                    .await
            });
        }
        let mut admitted = 0;
        while let Some(joined) = tasks.join_next().await {
            match joined.expect("task panicked") {
                Ok(()) => admitted += 1,
                Err(StoreError::ConditionFailed { op_index: Some(0) }) => {}
                Err(other) => panic!("unexpected error: {other:?}"),
            }
        }
        assert_eq!(admitted, CAP);
        assert_eq!(
            store.get(&counter).await.unwrap().unwrap().get_i64("count"),
            Some(CAP)
        );
        let apps = store
            .query(&Query::table("COHORT#2008").prefix("APP#MENTEE#"))
            .await
            .unwrap();
        assert_eq!(
            apps.len() as i64,
            CAP,
            "exactly the admitted applications exist"
        );
        eprintln!(
            "200 concurrent capped transactions took {:?}",
            started.elapsed()
        );
    }

    /// 50 concurrent "take the mentor's lock and record the match"
    /// transactions: exactly one gets through and no other match record
    /// exists.
    pub async fn concurrent_lock_admits_exactly_one_of_50(store: Arc<dyn Store>) {
        let started = Instant::now();
        let lock = key("COHORT#2008", "MENTOR#m-9");
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..50 {
            let store = Arc::clone(&store);
            let lock = lock.clone();
            tasks.spawn(async move {
                let id = format!("x-{i:02}");
                let result = store
                    .transact(vec![
                        TransactOp::put_if(
                            Item::new(&lock).with("match", id.as_str()),
                            Condition::not_exists(),
                        ),
                        TransactOp::put_if(
                            Item::new(&key("COHORT#2008", &format!("MATCH#{id}")))
                                .with("mentor", "m-9"),
                            Condition::not_exists(),
                        ),
                    ])
                    .await;
                (id, result)
            });
        }
        let mut winners = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (id, result) = joined.expect("task panicked");
            match result {
                Ok(()) => winners.push(id),
                Err(StoreError::ConditionFailed { op_index: Some(0) }) => {}
                Err(other) => panic!("unexpected error: {other:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "winners: {winners:?}");
        let holder = store.get(&lock).await.unwrap().unwrap();
        assert_eq!(holder.get_str("match"), Some(winners[0].as_str()));
        let matches = store
            .query(&Query::table("COHORT#2008").prefix("MATCH#"))
            .await
            .unwrap();
        assert_eq!(
            sks(&matches),
            [format!("MATCH#{}", winners[0])],
            "no orphan match records"
        );
        eprintln!(
            "50 concurrent lock transactions took {:?}",
            started.elapsed()
        );
    }
}
