//! Group commit for SQLite submissions.
//!
//! With `synchronous = FULL` every commit waits for the disk, which caps a single writer at a
//! few hundred commits per second. Submissions are therefore handed to one writer task that
//! takes every submission waiting at that moment (up to [`MAX_BATCH`]) and writes them in
//! **one** transaction, each inside its own savepoint: a submission that fails rolls back alone,
//! the others commit together, and every caller is answered only after the commit is durable.
//! Under light load a batch is one submission and nothing waits; under heavy load the batch
//! grows and the disk is synced once per batch instead of once per submission.
//!
//! PostgreSQL needs none of this: its own group commit and concurrent writers do the same.

use std::sync::Arc;

use jiff::civil::Date;
use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use crate::{
    dossier::{BuildDossier, Created, IdempotencyKey, create_in},
    error::{StoreError, StoreResult},
};

/// Most submissions written in one transaction.
pub const MAX_BATCH: usize = 128;

struct Job {
    prefix: String,
    day: Date,
    key: Option<IdempotencyKey>,
    build: BuildDossier,
    reply: oneshot::Sender<StoreResult<Created>>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// The handle submissions go through.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer task on the write pool.
    pub fn start(write: SqlitePool) -> Self {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(writer(write, rx));
        Self { jobs }
    }

    /// Queues a submission and waits until it is committed (or failed).
    pub async fn submit(
        &self,
        prefix: &str,
        day: Date,
        key: Option<IdempotencyKey>,
        build: BuildDossier,
    ) -> StoreResult<Created> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            prefix: prefix.to_owned(),
            day,
            key,
            build,
            reply,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| StoreError::Database(sqlx::Error::PoolClosed))?;
        answer
            .await
            .map_err(|_| StoreError::Database(sqlx::Error::PoolClosed))?
    }
}

async fn writer(pool: SqlitePool, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (results, replies) = write_batch(&pool, batch).await;
        for (result, reply) in results.into_iter().zip(replies) {
            let _ = reply.send(result);
        }
    }
}

/// Writes a batch; on a failed commit every submission of the batch fails.
async fn write_batch(
    pool: &SqlitePool,
    batch: Vec<Job>,
) -> (
    Vec<StoreResult<Created>>,
    Vec<oneshot::Sender<StoreResult<Created>>>,
) {
    let mut replies = Vec::with_capacity(batch.len());
    let mut results = Vec::with_capacity(batch.len());
    let mut tx = match pool.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => {
            let cause = Arc::new(e);
            for job in batch {
                results.push(Err(StoreError::Batch(Arc::clone(&cause))));
                replies.push(job.reply);
            }
            return (results, replies);
        }
    };
    for job in batch {
        replies.push(job.reply);
        let outcome: StoreResult<Created> = async {
            sqlx::query("SAVEPOINT submission")
                .execute(&mut *tx)
                .await?;
            let created = async {
                Ok::<Created, StoreError>(create_in!(tx, &job.prefix, job.day, job.key, job.build))
            }
            .await;
            match created {
                Ok(c) => {
                    sqlx::query("RELEASE submission").execute(&mut *tx).await?;
                    Ok(c)
                }
                Err(e) => {
                    sqlx::query("ROLLBACK TO submission")
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("RELEASE submission").execute(&mut *tx).await?;
                    Err(e)
                }
            }
        }
        .await;
        results.push(outcome);
    }
    if let Err(e) = tx.commit().await {
        let cause = Arc::new(e);
        results = results
            .into_iter()
            .map(|_| Err(StoreError::Batch(Arc::clone(&cause))))
            .collect();
    }
    (results, replies)
}
