use super::*;

fn refs() -> Refs {
    let mut r = Refs::default();
    r.tracks.insert("消费电子I".into(), 1);
    r.tracks.insert("汽车".into(), 2);
    r.users.insert("am1@x".into(), (10, true));
    r.users.insert("d1@x".into(), (20, false));
    r.opportunities.insert(7, 1);
    r.memberships.insert((10, 1));
    r
}

fn row(cells: &[(Column, &str)]) -> RawRow {
    RawRow::of(cells.iter().copied())
}

#[test]
fn a_row_keeps_its_non_blank_cells_trimmed_and_one_per_column() {
    let mut r = RawRow::of([(Column::ExternalId, " SO-1 "), (Column::Customer, "  "), (Column::Amount, "9")]);
    assert_eq!(r.get(Column::ExternalId), Some("SO-1"));
    assert_eq!(r.get(Column::Customer), None);
    assert_eq!(r.get(Column::Amount), Some("9"));
    r.set(Column::Amount, "10");
    r.set(Column::ExternalId, "");
    assert_eq!((r.get(Column::Amount), r.get(Column::ExternalId)), (Some("10"), None));
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default()
}

#[test]
fn a_good_order_row_becomes_a_fact() {
    use Column::*;
    let rows = [row(&[
        (ExternalId, " SO-1 "),
        (Date, "2026/11/3"),
        (Track, "消费电子I"),
        (AccountManager, "AM1@x"),
        (Customer, "华为"),
        (Opportunity, "7"),
        (Amount, "1234.5"),
    ])];
    let facts = validate(ErpKind::Orders, &rows, &refs(), today()).unwrap_or_default();
    assert_eq!(facts.len(), 1);
    let f = &facts[0];
    assert_eq!(f.key, "SO-1");
    assert_eq!(f.month, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default());
    assert_eq!(
        (f.track_id, f.account_manager_id, f.opportunity_id, f.amount_cents),
        (1, Some(10), Some(7), 123_450)
    );
}

#[test]
fn every_problem_of_every_row_is_reported() {
    use Column::*;
    let rows = [
        row(&[
            (ExternalId, "S1"),
            (Date, "2026-13-01"),
            (Track, "无"),
            (AccountManager, "d1@x"),
            (Revenue, "-5"),
            (Cost, "1"),
        ]),
        row(&[
            (ExternalId, "S2"),
            (Date, "2026-12-04"),
            (Track, "汽车"),
            (AccountManager, "nobody@x"),
            (Revenue, "1"),
            (Cost, "1"),
            (Balance, "3"),
        ]),
        row(&[
            (ExternalId, "S2"),
            (Date, "2026-12-01"),
            (Track, "汽车"),
            (AccountManager, "am1@x"),
            (Revenue, "1"),
        ]),
    ];
    let Err(problems) = validate(ErpKind::Sales, &rows, &refs(), today()) else {
        panic!("accepted a bad batch")
    };
    let got: Vec<(usize, &str, &str)> = problems
        .shown
        .iter()
        .map(|p| (p.index, p.column.field(), p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, "date", calendar::DATE_FORM),
            (0, "track", "is not a track"),
            (0, "accountManager", "is not an account manager"),
            (0, "revenue", "must not be negative"),
            (1, "balance", "is not a column of this kind of batch"),
            (1, "date", "must not be in the future"),
            (1, "accountManager", "is not the e-mail of a user"),
            (2, "cost", "is required"),
            (2, "externalId", "is given twice in this batch, first in {}"),
        ]
    );
    assert_eq!(problems.shown[8].same_as, Some(1));
}

#[test]
fn targets_are_keyed_by_track_manager_and_month_and_need_a_member() {
    use Column::*;
    let rows = [
        row(&[(Month, "2027-01"), (Track, "消费电子I"), (Amount, "100")]),
        row(&[(Month, "2027/1"), (Track, "消费电子I"), (AccountManager, "am1@x"), (Amount, "40")]),
        row(&[(Month, "2027-01-31"), (Track, "消费电子I"), (Amount, "1")]),
        row(&[(Month, "2027-01"), (Track, "汽车"), (AccountManager, "am1@x"), (Amount, "1")]),
    ];
    let Err(problems) = validate(ErpKind::SalesTargets, &rows, &refs(), today()) else {
        panic!("accepted a bad batch")
    };
    let got: Vec<(usize, &str, Option<usize>)> = problems.shown.iter().map(|p| (p.index, p.message.as_str(), p.same_as)).collect();
    assert_eq!(
        got,
        vec![
            (2, "gives the same target as {}", Some(0)),
            (3, "is not an account manager of this track", None)
        ]
    );
    let ok = validate(ErpKind::SalesTargets, &rows[..2], &refs(), today()).unwrap_or_default();
    assert_eq!(
        ok.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(),
        vec!["1/0/2027-01-01", "1/10/2027-01-01"]
    );
}

#[test]
fn headers_in_english_snake_case_and_chinese_name_the_same_columns() {
    assert_eq!(Column::from_header("\u{feff}externalId"), Some(Column::ExternalId));
    assert_eq!(Column::from_header("External_ID"), Some(Column::ExternalId));
    assert_eq!(Column::from_header(" 客户经理 "), Some(Column::AccountManager));
    assert_eq!(Column::from_header("应收余额"), Some(Column::Balance));
    assert_eq!(Column::from_header("colour"), None);
}

#[test]
fn dates_and_months_in_the_forms_erp_exports_write() {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    assert_eq!(parse_erp_date("2026-11-03"), d(2026, 11, 3));
    assert_eq!(parse_erp_date("2026/1/3"), d(2026, 1, 3));
    for bad in ["2026-02-30", "26-1-1", "2026-1", "1999-12-31", "+2026-01-01", "2026-01-01T00:00"] {
        assert_eq!(parse_erp_date(bad), None, "{bad}");
    }
    assert_eq!(parse_erp_month("2026-11"), d(2026, 11, 1));
    assert_eq!(parse_erp_month("2026/2"), d(2026, 2, 1));
    assert_eq!(parse_erp_month("2026-11-30"), d(2026, 11, 1));
    assert_eq!(parse_erp_month("2026-13"), None);
}
