//! The organisation (users, tracks, membership), customers, opportunities with
//! their history and activities, configuration and the event log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: (&'static str, &'static str), to: (&'static str, &'static str)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(*c);
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("user")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("email"))
                    .col(string("name"))
                    .col(string("password_hash"))
                    .col(string("role"))
                    .col(boolean("active"))
                    .col(timestamp_with_time_zone_null("tokens_revoked_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        // 业务: the two business lines; their thresholds live in `setting`.
        manager
            .create_table(
                Table::create()
                    .table("business_line")
                    .col(string("code").primary_key())
                    .col(string("name"))
                    .to_owned(),
            )
            .await?;
        let mut lines = Query::insert();
        lines.into_table("business_line").columns(["code", "name"]);
        for (code, name) in [("MOLDING_INTEGRATED", "模塑一体"), ("COMMODITY_MOLD", "商品模")] {
            lines.values([code.into(), name.into()]).map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        manager.exec_stmt(lines).await?;
        manager
            .create_table(
                Table::create()
                    .table("track")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("name"))
                    .col(string("business_line"))
                    .foreign_key(&mut fk(("track", "business_line"), ("business_line", "code")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("track_director")
                    .col(big_integer("track_id"))
                    .col(big_integer("user_id"))
                    .primary_key(Index::create().col("track_id").col("user_id"))
                    .foreign_key(&mut fk(("track_director", "track_id"), ("track", "id")))
                    .foreign_key(&mut fk(("track_director", "user_id"), ("user", "id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("track_member")
                    .col(big_integer("user_id").primary_key())
                    .col(big_integer("track_id"))
                    .foreign_key(&mut fk(("track_member", "track_id"), ("track", "id")))
                    .foreign_key(&mut fk(("track_member", "user_id"), ("user", "id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("customer")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("opportunity")
                    .col(big_pk_auto("id"))
                    .col(string("name"))
                    .col(big_integer("customer_id"))
                    .col(big_integer("track_id"))
                    .col(big_integer("owner_id"))
                    .col(string("business_line"))
                    .col(string("kind"))
                    .col(big_integer("amount_cents"))
                    .col(string("stage"))
                    .col(timestamp_with_time_zone("stage_entered_at"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("last_activity_at"))
                    .col(timestamp_with_time_zone_null("secured_at"))
                    .col(string_null("mold_number"))
                    .col(string_null("shelve_reason"))
                    .col(string_null("shelve_reason_text"))
                    .col(date_null("restart_date"))
                    .col(string_null("loss_reason"))
                    .col(date_null("expected_order_month"))
                    .col(big_integer_null("forecast_amount_cents"))
                    .col(date_null("precision_order_date"))
                    .col(big_integer_null("precision_amount_cents"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(("opportunity", "customer_id"), ("customer", "id")))
                    .foreign_key(&mut fk(("opportunity", "track_id"), ("track", "id")))
                    .foreign_key(&mut fk(("opportunity", "owner_id"), ("user", "id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("opportunity_history")
                    .col(big_pk_auto("id"))
                    .col(big_integer("opportunity_id"))
                    .col(big_integer_null("actor_id"))
                    .col(string("field"))
                    .col(string_null("from_value"))
                    .col(string("to_value"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(&mut fk(("opportunity_history", "opportunity_id"), ("opportunity", "id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("activity")
                    .col(big_pk_auto("id"))
                    .col(big_integer("opportunity_id"))
                    .col(big_integer("actor_id"))
                    .col(string("kind"))
                    .col(text("note"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(("activity", "opportunity_id"), ("opportunity", "id")))
                    .foreign_key(&mut fk(("activity", "actor_id"), ("user", "id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("setting")
                    .col(string("key").primary_key())
                    .col(json("value"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(big_integer_null("updated_by"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event")
                    .col(big_pk_auto("id"))
                    .col(string("kind"))
                    .col(json("payload"))
                    .col(big_integer_null("audience_user_id"))
                    .col(big_integer_null("audience_track_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        // Every lookup the rules make: by owner, by track, by status+stage,
        // by last activity, by stage entered at, by restart date, by month.
        let indexes = [
            index("track_director", "ix_track_director_user", &["user_id"]),
            index("track_member", "ix_track_member_track", &["track_id"]),
            index("opportunity", "ix_opportunity_owner", &["owner_id", "id"]),
            index("opportunity", "ix_opportunity_track", &["track_id", "id"]),
            index("opportunity", "ix_opportunity_customer", &["customer_id"]),
            index(
                "opportunity",
                "ix_opportunity_status_stage",
                &["status", "stage", "stage_entered_at"],
            ),
            index(
                "opportunity",
                "ix_opportunity_status_last_activity",
                &["status", "last_activity_at"],
            ),
            index("opportunity", "ix_opportunity_stage_entered", &["stage", "stage_entered_at"]),
            index("opportunity", "ix_opportunity_restart_date", &["status", "restart_date"]),
            index("opportunity", "ix_opportunity_secured", &["stage", "secured_at"]),
            index("opportunity", "ix_opportunity_expected_month", &["expected_order_month"]),
            index("opportunity_history", "ix_history_opportunity", &["opportunity_id", "at"]),
            index("activity", "ix_activity_opportunity", &["opportunity_id", "occurred_at"]),
            index("event", "ix_event_user", &["audience_user_id", "id"]),
            index("event", "ix_event_track", &["audience_track_id", "id"]),
        ];
        for stmt in indexes {
            manager.create_index(stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "event",
            "setting",
            "activity",
            "opportunity_history",
            "opportunity",
            "customer",
            "track_member",
            "track_director",
            "track",
            "business_line",
            "user",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
