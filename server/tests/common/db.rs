//! SQL on a test's database behind the server's back, to make states the
//! API cannot (old receipt times, unreadable rows, missing tables).

use sqlx::Connection;

use super::app::TestServer;
use super::backend::Backend;

/// A query for either backend, so a test binds its values once.
pub enum Query<'q> {
    Sqlite(sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>),
    Pg(sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>),
}

impl<'q> Query<'q> {
    pub fn bind<T>(self, value: T) -> Self
    where
        T: 'q
            + sqlx::Encode<'q, sqlx::Sqlite>
            + sqlx::Type<sqlx::Sqlite>
            + sqlx::Encode<'q, sqlx::Postgres>
            + sqlx::Type<sqlx::Postgres>
            + Send,
    {
        match self {
            Query::Sqlite(q) => Query::Sqlite(q.bind(value)),
            Query::Pg(q) => Query::Pg(q.bind(value)),
        }
    }
}

impl TestServer {
    /// Runs `statements` (no parameters) on the test's database.
    pub async fn sql(&self, statements: &str) {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("connect");
                sqlx::raw_sql(statements)
                    .execute(&mut conn)
                    .await
                    .expect(statements);
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url)
                    .await
                    .expect("connect");
                sqlx::raw_sql(statements)
                    .execute(&mut conn)
                    .await
                    .expect(statements);
            }
        }
    }

    /// Runs one statement on the test's database with the values `bind`
    /// adds.
    pub async fn execute<F>(&self, sql: &str, bind: F)
    where
        F: for<'q> Fn(Query<'q>) -> Query<'q>,
    {
        match self.backend {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(&self.url).await.expect("connect");
                let Query::Sqlite(query) = bind(Query::Sqlite(sqlx::query(sql))) else {
                    unreachable!("bind keeps the backend")
                };
                query.execute(&pool).await.expect(sql);
                pool.close().await;
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
                let Query::Pg(query) = bind(Query::Pg(sqlx::query(sql))) else {
                    unreachable!("bind keeps the backend")
                };
                query.execute(&pool).await.expect(sql);
                pool.close().await;
            }
        }
    }
}
