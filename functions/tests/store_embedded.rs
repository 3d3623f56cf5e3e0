//! What only the embedded store has: a file under the data folder that
//! outlives the process, one opener at a time, and an in-memory variant.

use functions::store::{
    Condition, EmbeddedStore, Item, Key, Query, Store, StoreError, TransactOp, UpdateAction,
};

#[tokio::test]
async fn data_survives_reopening_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join(".duos");
    let app = Key::new("COHORT#2008", "APP#MENTEE#m-1");
    {
        let store = EmbeddedStore::open(&data).unwrap();
        assert_eq!(
            store.path(),
            Some(data.join(EmbeddedStore::FILE_NAME).as_path())
        );
        store
            .put(
                Item::new(&app)
                    .with("status", "submitted")
                    .with_gsi1("MEMBER#m-1", "2008#APP"),
                Some(Condition::not_exists()),
            )
            .await
            .unwrap();
        store
            .update(
                &Key::new("COHORT#2008", "COUNT#MENTEE"),
                vec![UpdateAction::add("count", 1)],
                None,
            )
            .await
            .unwrap();
    }
    assert!(data.join("duos.redb").is_file());

    let store = EmbeddedStore::open(&data).unwrap();
    let item = store.get(&app).await.unwrap().expect("item survived");
    assert_eq!(item.get_str("status"), Some("submitted"));
    let member = store.query(&Query::gsi1("MEMBER#m-1")).await.unwrap();
    assert_eq!(member, vec![item]);
    let counter = store
        .update(
            &Key::new("COHORT#2008", "COUNT#MENTEE"),
            vec![UpdateAction::add("count", 1)],
            None,
        )
        .await
        .unwrap();
    assert_eq!(counter.get_i64("count"), Some(2));
    // Conditions see the reopened data.
    assert_eq!(
        store
            .put(Item::new(&app), Some(Condition::not_exists()))
            .await,
        Err(StoreError::ConditionFailed { op_index: None })
    );
}

#[tokio::test]
async fn a_second_opener_of_the_same_file_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let first = EmbeddedStore::open(dir.path()).unwrap();
    match EmbeddedStore::open(dir.path()) {
        Err(StoreError::Backend(message)) => {
            assert!(message.contains("duos.redb"), "{message}");
        }
        other => panic!("expected a Backend error, got {other:?}"),
    }
    // Clones share the open database instead.
    let clone = first.clone();
    let key = Key::new("P", "S");
    first
        .put(Item::new(&key).with("n", 1i64), None)
        .await
        .unwrap();
    assert_eq!(
        clone.get(&key).await.unwrap().unwrap().get_i64("n"),
        Some(1)
    );
}

#[tokio::test]
async fn the_in_memory_store_behaves_the_same() {
    let store = EmbeddedStore::in_memory().unwrap();
    assert_eq!(store.path(), None);
    let lock = Key::new("COHORT#2008", "MENTOR#m-9");
    let record = Key::new("COHORT#2008", "MATCH#x-1");
    store
        .transact(vec![
            TransactOp::put_if(Item::new(&lock), Condition::not_exists()),
            TransactOp::put(Item::new(&record)),
        ])
        .await
        .unwrap();
    assert_eq!(
        store
            .transact(vec![
                TransactOp::put(Item::new(&Key::new("COHORT#2008", "MATCH#x-2"))),
                TransactOp::put_if(Item::new(&lock), Condition::not_exists()),
            ])
            .await,
        Err(StoreError::ConditionFailed { op_index: Some(1) })
    );
    let matches = store
        .query(&Query::table("COHORT#2008").prefix("MATCH#"))
        .await
        .unwrap();
    assert_eq!(matches.len(), 1);
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("duos.redb");
    std::fs::write(
        &path,
        b"not a redb file, just some text that is long enough",
    )
    .unwrap();
    assert!(matches!(
        EmbeddedStore::open_file(&path),
        Err(StoreError::Backend(_))
    ));
}
