//! Roster CSV import: validation with line numbers, nothing written when a
//! row is bad, idempotent re-import; against the embedded store and (through
//! moto) the DynamoDB store.

mod support;

use functions::auth::MemberDirectory;
use functions::roster::{
    import_roster, load_member, parse_roster, ImportError, ImportSummary, StoreDirectory,
};
use functions::store::{Query, Store};
use std::sync::Arc;

const GOOD: &str = "\
member_id,name,email,joined,category,good_standing
m-1,Ada Lovelace,ada@example.org,2007-09-01,personal,true
m-2,Grace Hopper,Grace@Example.org,1995-01-15,retired,yes
m-3,Katherine Johnson,kj@example.org,2008-02-10,student,no
";

fn categories() -> Vec<String> {
    ["personal", "student", "retired", "Organizational"]
        .map(String::from)
        .to_vec()
}

fn errors_of(csv: &str) -> Vec<String> {
    match parse_roster(csv.as_bytes(), Some(&categories())) {
        Ok(rows) => panic!("expected errors, got {} rows", rows.len()),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn every_bad_row_is_reported_with_line_and_field() {
    let errors = errors_of(
        "member_id,name,email,joined,category,good_standing\n\
         m-1,Ada,ada@example.org,2007-09-01,personal,true\n\
         m-1,Ada again,ada2@example.org,2007-09-01,personal,true\n\
         m-2,Bob,bob@example.org,2007-13-01,personal,true\n\
         m-3,Cy,cy@example.org,2007-09-01,personal,maybe\n\
         m-4,Di,not-an-email,2007-09-01,personal,no\n\
         m-5,Ed,ed@example.org,2007-09-01,vendor,no\n\
         m-6,Flo,ADA@example.org,2007-09-01,personal,no\n\
         m-7,,g@example.org,2007-09-01,personal,no\n\
         m 8,Hal,hal@example.org,2007-09-01,personal,no\n\
         m-9,Ivy,ivy@example.org\n",
    );
    let expected = [
        "line 3: member_id: duplicate member id \"m-1\" (first on line 2)",
        "line 4: joined: \"2007-13-01\" is not a date like 2007-09-01",
        "line 5: good_standing: \"maybe\" is not one of true, false, yes, no",
        "line 6: email: \"not-an-email\" is not an e-mail address",
        "line 7: category: \"vendor\" is not one of the program's categories",
        "line 8: email: \"ADA@example.org\" is already the address of the member on line 2",
        "line 9: name: is empty",
        "line 10: member_id: \"m 8\" is not a member id",
        "line 11: the row has 3 fields, the header 6",
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    for (got, want) in errors.iter().zip(expected) {
        assert!(got.starts_with(want), "{got:?} should start with {want:?}");
    }
}

#[test]
fn empty_files_and_bad_headers() {
    assert_eq!(errors_of(""), ["the file is empty"]);
    assert_eq!(errors_of("  \n\n"), ["the file is empty"]);
    assert_eq!(
        errors_of("member_id,name,email,joined,category,good_standing\n"),
        ["the file has a header but no members"]
    );
    let e = errors_of("member_id,name,email\nm-1,Ada,ada@example.org\n");
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("line 1: the header lacks the column(s) joined, category, good_standing"),
        "{e:?}"
    );
    // Data without a header: the first row is read as one and lacks columns.
    let e = errors_of("m-1,Ada,ada@example.org,2007-09-01,personal,true\n");
    assert!(e[0].starts_with("line 1: the header lacks"), "{e:?}");
}

#[test]
fn columns_in_any_order_extra_columns_bom_and_spelling() {
    let csv = "\u{feff}Email,Good_Standing,member_id,Name,Joined,Category,Notes\n\
               ada@example.org,YES,m-1,Ada,2007-09-01,STUDENT,first\n";
    let rows = parse_roster(csv.as_bytes(), Some(&categories())).unwrap();
    assert_eq!(rows.len(), 1);
    let m = &rows[0].member;
    assert_eq!(m.member_id, "m-1");
    assert!(m.good_standing);
    assert_eq!(m.category, "student", "the program's spelling is kept");
    // Without program categories any non-empty category is accepted.
    let rows = parse_roster(GOOD.as_bytes(), None).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2].line, 4);
}

async fn stored_items(store: &dyn Store, ids: &[&str]) -> usize {
    let mut n = 0;
    for id in ids {
        n += store
            .query(&Query::table(format!("MEMBER#{id}")))
            .await
            .unwrap()
            .len();
    }
    n
}

async fn import_scenarios(store: Arc<dyn Store>) {
    let cats = categories();
    let s = store.as_ref();

    // A bad row anywhere: nothing at all is written.
    let before = s.stats();
    let bad = format!("{GOOD}m-4,Dan,dan@example.org,2008-02-30,student,true\n");
    match import_roster(s, bad.as_bytes(), Some(&cats)).await {
        Err(ImportError::Invalid(e)) => {
            assert_eq!(e.0.len(), 1);
            assert!(e.0[0].to_string().starts_with("line 5: joined:"), "{e}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(s.stats().since(&before).items_written, 0);
    assert_eq!(stored_items(s, &["m-1", "m-2", "m-3", "m-4"]).await, 0);

    // The good file.
    let summary = import_roster(s, GOOD.as_bytes(), Some(&cats))
        .await
        .unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            added: 3,
            updated: 0,
            unchanged: 0,
            lapsed: vec![],
        }
    );
    let ada = load_member(s, "m-1").await.unwrap().unwrap();
    assert_eq!(ada.email, "ada@example.org");
    assert_eq!(ada.joined.to_string(), "2007-09-01");

    // The same file again: no write at all.
    let before = s.stats();
    let summary = import_roster(s, GOOD.as_bytes(), Some(&cats))
        .await
        .unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            added: 0,
            updated: 0,
            unchanged: 3,
            lapsed: vec![],
        }
    );
    assert_eq!(s.stats().since(&before).items_written, 0);
    assert_eq!(stored_items(s, &["m-1", "m-2", "m-3"]).await, 3);

    // A changed row updates that member, a new row adds one, no duplicates;
    // the e-mail lookup follows the change.
    let changed = GOOD.replace(
        "m-3,Katherine Johnson,kj@example.org,2008-02-10,student,no",
        "m-3,Katherine Johnson,katherine@example.org,2008-02-10,student,yes",
    ) + "m-4,Dan,dan@example.org,2008-02-28,student,true\n";
    let summary = import_roster(s, changed.as_bytes(), Some(&cats))
        .await
        .unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            added: 1,
            updated: 1,
            unchanged: 2,
            lapsed: vec![],
        }
    );
    assert_eq!(stored_items(s, &["m-1", "m-2", "m-3", "m-4"]).await, 4);
    let kj = load_member(s, "m-3").await.unwrap().unwrap();
    assert!(kj.good_standing);
    let dir = StoreDirectory::new(store.clone());
    assert_eq!(
        dir.by_email("KATHERINE@example.org")
            .await
            .unwrap()
            .unwrap()
            .member_id,
        "m-3"
    );
    assert!(dir.by_email("kj@example.org").await.unwrap().is_none());
    assert_eq!(
        dir.by_email("grace@example.org")
            .await
            .unwrap()
            .unwrap()
            .member_id,
        "m-2"
    );

    // An e-mail that another stored member keeps is refused, nothing written.
    let before = s.stats();
    let clash = "member_id,name,email,joined,category,good_standing\n\
                 m-9,Eve,ada@example.org,2008-01-01,student,true\n";
    match import_roster(s, clash.as_bytes(), Some(&cats)).await {
        Err(ImportError::Invalid(e)) => {
            assert!(
                e.0[0]
                    .to_string()
                    .contains("already belongs to member \"m-1\""),
                "{e}"
            )
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(s.stats().since(&before).items_written, 0);

    // A member left out of the next file is kept, but no longer in good
    // standing (so sign-in refuses them); one already lapsed is not counted.
    let without_dan = changed.replace("m-4,Dan,dan@example.org,2008-02-28,student,true\n", "");
    let summary = import_roster(s, without_dan.as_bytes(), Some(&cats))
        .await
        .unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            added: 0,
            updated: 0,
            unchanged: 3,
            lapsed: vec!["m-4".to_string()],
        }
    );
    assert!(summary
        .to_string()
        .contains("1 not in the file and no longer in good standing (m-4)"));
    let dan = load_member(s, "m-4").await.unwrap().unwrap();
    assert!(!dan.good_standing);
    assert_eq!(dan.email, "dan@example.org");
    assert!(
        !dir.by_email("dan@example.org")
            .await
            .unwrap()
            .unwrap()
            .good_standing
    );
    assert_eq!(stored_items(s, &["m-1", "m-2", "m-3", "m-4"]).await, 4);
    let summary = import_roster(s, without_dan.as_bytes(), Some(&cats))
        .await
        .unwrap();
    assert_eq!(summary.unchanged, 3);
    assert!(summary.lapsed.is_empty(), "{summary}");
    // Back in the file: back in good standing, still one item.
    let summary = import_roster(s, changed.as_bytes(), Some(&cats))
        .await
        .unwrap();
    assert_eq!((summary.updated, summary.unchanged), (1, 3), "{summary}");
    assert!(load_member(s, "m-4").await.unwrap().unwrap().good_standing);
    assert_eq!(
        functions::roster::list_members(s)
            .await
            .unwrap()
            .iter()
            .map(|m| m.member_id.as_str())
            .collect::<Vec<_>>(),
        ["m-1", "m-2", "m-3", "m-4"]
    );

    // Sign-in helpers: subject links and single-use states.
    dir.link_subject("https://idp", "sub-1", "m-1")
        .await
        .unwrap();
    assert_eq!(
        dir.by_subject("https://idp", "sub-1")
            .await
            .unwrap()
            .unwrap()
            .member_id,
        "m-1"
    );
    assert!(dir
        .by_subject("https://other", "sub-1")
        .await
        .unwrap()
        .is_none());
    let exp = std::time::SystemTime::now() + std::time::Duration::from_secs(600);
    assert!(dir.consume_state("state-1", exp).await.unwrap());
    assert!(!dir.consume_state("state-1", exp).await.unwrap());
    assert!(dir.consume_state("state-2", exp).await.unwrap());
}

#[tokio::test]
async fn import_into_the_embedded_store() {
    let (store, _dir) = support::embedded_store();
    import_scenarios(store).await;
}

#[tokio::test]
async fn import_into_dynamodb() {
    let Some(store) = support::dynamo_store("roster", support::moto::Need::Any).await else {
        return;
    };
    import_scenarios(Arc::new(store)).await;
}
