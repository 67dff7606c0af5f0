use motcua_store::{Db, MetaStore};

use crate::contract;

async fn meta_round_trips(db: &Db) {
    assert_eq!(db.meta("demo").await.unwrap(), None);
    assert_eq!(db.generation("nothing").await.unwrap(), 0);
    db.set_meta("demo", "loaded").await.unwrap();
    db.set_meta("demo", "loaded again").await.unwrap();
    assert_eq!(
        db.meta("demo").await.unwrap().as_deref(),
        Some("loaded again")
    );
    db.ping().await.unwrap();
}
contract!(meta_round_trips);
