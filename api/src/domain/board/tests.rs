use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn periods_and_the_ones_they_are_compared_with() {
    let q1 = Period::quarter(2026, 1).unwrap();
    assert_eq!(
        (q1.first, q1.last, q1.days(), q1.months_count()),
        (d(2026, 1, 1), d(2026, 3, 1), 90, 3)
    );
    assert_eq!(q1.previous(), Period::quarter(2025, 4).unwrap());
    // A quarter not over: its months so far, against the same months of the quarter before.
    let q4 = Period::quarter(2026, 4).unwrap().so_far(d(2026, 11, 23)).unwrap();
    assert_eq!((q4.first, q4.last, q4.days()), (d(2026, 10, 1), d(2026, 11, 1), 61));
    let q3 = q4.previous();
    assert_eq!((q3.first, q3.last, q3.number, q3.days()), (d(2026, 7, 1), d(2026, 8, 1), 3, 62));
    assert_eq!(
        Period::quarter(2026, 3).unwrap().so_far(d(2026, 11, 23)).unwrap(),
        Period::quarter(2026, 3).unwrap()
    );
    assert!(Period::month(2026, 12).unwrap().so_far(d(2026, 11, 30)).is_err());
    assert_eq!(Period::month(2026, 1).unwrap().previous(), Period::month(2025, 12).unwrap());
    assert_eq!(Period::month(2024, 2).unwrap().days(), 29);
    let ytd = Period::year_to_date(2026, d(2026, 12, 3)).unwrap();
    assert_eq!(
        (ytd.first, ytd.last, ytd.label()),
        (d(2026, 1, 1), d(2026, 12, 1), "2026-01..2026-12".into())
    );
    let ytd = Period::year_to_date(2026, d(2026, 4, 30)).unwrap();
    assert_eq!(ytd.previous().first, d(2025, 1, 1));
    assert_eq!(ytd.previous().last, d(2025, 4, 1));
    assert_eq!(Period::year_to_date(2025, d(2026, 4, 30)).unwrap().last, d(2025, 12, 1));
    assert!(Period::year_to_date(2027, d(2026, 4, 30)).is_err());
    assert!(Period::month(2026, 13).is_err() && Period::quarter(2026, 0).is_err() && Period::month(1999, 1).is_err());
    assert_eq!(Period::quarter(2026, 4).unwrap().label(), "2026-Q4");
}

fn sums(revenue: Option<i64>, target: Option<i64>) -> Sums {
    Sums {
        revenue,
        sales_target: target,
        ..Sums::default()
    }
}

#[test]
fn zero_or_missing_targets_and_sales_never_divide() {
    let dim = Dimension::TrackSalesAchievement;
    assert_eq!(standing(dim, &sums(Some(90), Some(0)), 30), Standing::NoTarget);
    assert_eq!(standing(dim, &sums(Some(90), None), 30), Standing::NoTarget);
    assert_eq!(standing(dim, &sums(None, None), 30), Standing::NoData);
    assert_eq!(standing(dim, &sums(None, Some(0)), 30), Standing::NoData);
    // A target and no sales: 0 %.
    let Standing::Value { value, .. } = standing(dim, &sums(None, Some(100)), 30) else {
        panic!()
    };
    assert_eq!(value.to_f64(), 0.0);
    let margin = Dimension::TrackGrossMargin;
    assert_eq!(standing(margin, &sums(Some(0), None), 30), Standing::NoSales);
    assert_eq!(standing(margin, &Sums::default(), 30), Standing::NoData);
    let costly = Sums {
        revenue: Some(100),
        cost: Some(130),
        ..Sums::default()
    };
    assert_eq!(standing(margin, &costly, 30).value().unwrap().to_f64(), -30.0);
    let dso = Sums {
        revenue: Some(200),
        receivables: Some(100),
        ..Sums::default()
    };
    assert_eq!(standing(Dimension::TrackDso, &dso, 30).value().unwrap().to_f64(), 15.0);
    assert_eq!(standing(Dimension::TrackDso, &sums(Some(100), None), 30), Standing::NoData);
    let no_sales = Sums {
        receivables: Some(100),
        ..Sums::default()
    };
    assert_eq!(standing(Dimension::TrackDso, &no_sales, 30), Standing::NoSales);
    let spend = Sums {
        revenue: Some(4000),
        expenses: Some(3),
        ..Sums::default()
    };
    assert_eq!(standing(Dimension::TrackExpenseRatio, &spend, 30).value().unwrap().to_f64(), 0.75);
    assert_eq!(standing(Dimension::TrackForecastAccuracy, &spend, 30), Standing::NoData);
    let forecast = |orders, forecast| Sums {
        // Orders of months never frozen do not count against the forecast.
        orders: Some(1_000_000),
        forecast_orders: orders,
        forecast,
        ..Sums::default()
    };
    let accuracy = |s: Sums| standing(Dimension::TrackForecastAccuracy, &s, 30).value().map(|v| v.to_f64());
    assert_eq!(accuracy(forecast(Some(1000), Some(800))), Some(80.0));
    assert_eq!(accuracy(forecast(None, Some(0))), Some(100.0));
    assert_eq!(accuracy(forecast(None, Some(5))), Some(0.0));
    assert_eq!(
        standing(Dimension::TrackExpenseRatio, &sums(Some(4000), None), 30),
        Standing::NoData
    );
    // Sums near i64's limit still compare (as floats past i128).
    let huge = |r: i64, b: i64| Sums {
        revenue: Some(r),
        receivables: Some(b),
        ..Sums::default()
    };
    let a = standing(Dimension::TrackDso, &huge(i64::MAX, i64::MAX), 366).value().unwrap();
    let b = standing(Dimension::TrackDso, &huge(i64::MAX, i64::MAX / 2), 366).value().unwrap();
    assert!(a > b);
}

#[test]
fn ties_share_a_rank_and_rows_without_a_value_come_last() {
    let v = |n: i128, den: i128| Standing::Value {
        value: Fraction::new(n, den),
        numerator: 0,
        denominator: 1,
    };
    // 1/2 and 2/4 are the same value: a tie.
    let rows = vec![
        (v(1, 2), "b"),
        (Standing::NoData, "a"),
        (v(3, 4), "c"),
        (v(2, 4), "d"),
        (Standing::NoTarget, "e"),
        (v(1, 4), "f"),
    ];
    assert_eq!(rank(Dimension::TrackSalesAchievement, &rows), vec![2, 5, 1, 2, 5, 4]);
    // Lower is better for expenses and DSO.
    assert_eq!(rank(Dimension::TrackDso, &rows), vec![2, 5, 4, 2, 5, 1]);
    let mut sorted: Vec<_> = rows.clone();
    sorted.sort_by(|a, b| compare(Dimension::TrackSalesAchievement, a, b));
    let names: Vec<_> = sorted.iter().map(|r| r.1).collect();
    assert_eq!(names, vec!["c", "b", "d", "f", "e", "a"]);
}

#[test]
fn rows_on_the_wrong_side_of_the_line_are_not_reached() {
    let v = |n: i128| Standing::Value {
        value: Fraction::new(n, 1),
        numerator: 0,
        denominator: 1,
    };
    let lines = super::super::settings::BoardLines::default();
    let line = target_line(Dimension::TrackSalesAchievement, &lines);
    assert_eq!(line, 90.0);
    assert_eq!(not_reached(Dimension::TrackSalesAchievement, &v(89), line), Some(true));
    assert_eq!(not_reached(Dimension::TrackSalesAchievement, &v(90), line), Some(false));
    let dso = target_line(Dimension::TrackDso, &lines);
    assert_eq!(not_reached(Dimension::TrackDso, &v(61), dso), Some(true));
    assert_eq!(not_reached(Dimension::TrackDso, &v(60), dso), Some(false));
    assert_eq!(not_reached(Dimension::TrackDso, &Standing::NoData, dso), None);
}

#[test]
fn every_dimension_has_its_number_and_place() {
    let numbers: Vec<usize> = Dimension::ALL.iter().map(|d| d.number()).collect();
    assert_eq!(numbers, (1..=8).collect::<Vec<_>>());
    assert!(Dimension::TrackForecastAccuracy.available());
    assert!(Dimension::TrackExpenseRatio.lower_is_better() && Dimension::TrackDso.lower_is_better());
    for d in Dimension::ALL {
        // Every available figure traces to records; an account manager's measure is one of his own.
        assert_eq!(d.sources().is_empty(), !d.available(), "{d:?}");
        if let Some(am) = d.for_account_manager() {
            assert!(am.subject() == Subject::AccountManager || am == Dimension::TrackGrossMargin);
        }
    }
}
