//! The meeting's decisions on a task.

use super::*;

pub async fn insert_decision(db: &impl ConnectionTrait, d: task_decision::ActiveModel) -> AppResult<task_decision::Model> {
    Ok(task_decision::Entity::insert(d).exec_with_returning(db).await?)
}

/// The chair's decisions on these tasks, oldest first, by task.
pub async fn decisions_by_task(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, Vec<task_decision::Model>>> {
    let rows = task_decision::Entity::find()
        .filter(task_decision::Column::TaskId.is_in(ids.iter().copied()))
        .order_by_asc(task_decision::Column::TaskId)
        .order_by_asc(task_decision::Column::Id)
        .all(db)
        .await?;
    let mut out: std::collections::HashMap<i64, Vec<task_decision::Model>> = std::collections::HashMap::new();
    for d in rows {
        out.entry(d.task_id).or_default().push(d);
    }
    Ok(out)
}
