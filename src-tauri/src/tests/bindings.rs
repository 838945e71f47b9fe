//! `ui/src/lib/bindings.ts` is generated from the Rust types that cross IPC. This test
//! fails when the committed file is stale; `UPDATE_BINDINGS=1 cargo test -p billfold
//! bindings` rewrites it.

use billfold_core::accounts::{AccountView, Mode, NewAccount};
use billfold_core::catalog::{
    CatalogQuery, CopyAction, CopyCounts, CopyPlan, CopyResult, CopySource, CopyStep, FileFormat, ObjectRef, PlannedProduct,
    PriceInput, PriceRow, ProductChange, ProductInput, ProductRow, RecurringInput,
};
use billfold_core::credit_notes::{
    CreditLineInput, CreditNoteInput, CreditNotePage, CreditNotePreview, CreditNotePreviewLine, CreditNoteRow, CreditReason,
};
use billfold_core::customers::{
    Address, BalanceAdjustmentInput, CustomerDetail, CustomerInput, CustomerPo, CustomerSubscription,
};
use billfold_core::disputes::{DisputeDetail, DisputePage, DisputeRow, EvidenceFile, EvidenceFilePick, EvidenceForm, PickedFile};
use billfold_core::demo::{SimulateAction, SimulationTarget, SimulationTargets};
use billfold_core::diagnostics::AboutInfo;
use billfold_core::exports::{
    ColumnKind, ExportKind, ExportOutcome, ExportProgress, ExportRequest, ExportSummary, ReportTable, TableColumn, TableValue,
};
use billfold_core::events_list::{EventDetail, EventPage, EventQuery, EventRow};
use billfold_core::gateway::RequestLogEntry;
use billfold_core::journal::OperationEntry;
use billfold_core::invoices::{
    BulkResult, CatalogPrice, CollectionMethod, CustomField, CustomerChoice, DraftChanges, InvoiceActionKind,
    InvoiceDetail, InvoiceLineView, InvoicePaymentView, InvoicePoLink, InvoiceTimelineEntry, LineChange, NewInvoiceInput,
    NewInvoiceLine,
};
use billfold_core::store::{
    BalanceTransactionRow, CustomerPage, CustomerRow, InvoicePage, InvoiceRow, ListQuery, SyncSettings, SyncState, SyncStatus,
};
use billfold_core::payouts::{AccountBalance, BalanceAmount, PayoutDetail, PayoutPage, PayoutRow, PayoutSums, PayoutTransactionRow};
use billfold_core::po::{
    AuditEntry, CsvImportReport, CsvRowError, NewPayment, PaymentMethod, PoInput, PoLine, PoLineInput,
    PoListQuery, PoPage, PoPayment, PoStatus, PoSummary, PurchaseOrder, TimelineEntry,
};
use billfold_core::reports::{
    AgingAmounts, AgingBucketName, AgingCurrency, AgingCustomer, AgingInvoice, AgingInvoicePage, AgingReport, AgingSort, DashboardCounts,
    DashboardFigures, DashboardMoney, Granularity, RevenueCurrency, RevenueReport, RevenueRow, TopBy, TopCustomer, TopCustomersCurrency, TopCustomersReport,
};
use billfold_core::coupons::{AppliedDiscount, CouponRow, CouponValue, NewCouponInput};
use billfold_core::mrr::{CurrencyMrr, DiscountMode, MrrMonth, MrrNowRow, MrrReport, Rate};
use billfold_core::payments::{
    DisputeSummary, NewPaymentInput, PaymentDetail, PaymentEvent, PaymentFilters, PaymentPage, PaymentRow, RefundInput, RefundPage,
    RefundReason, RefundRow,
};
use billfold_core::subscriptions::{
    DunningAction, DunningRow, DunningRule, NewSubscriptionInput, PauseView, RecurringPrice, SubscriptionAction, SubscriptionActionKind, SubscriptionDetail,
    SubscriptionItemInput, SubscriptionItemView, SubscriptionPage, SubscriptionRow, TrialInput, UpcomingInvoice, UpcomingLine,
};
use billfold_core::subscriptions::{ChangeLine, ChangePreview, ItemChange, ProrationChoice, SubscriptionChangeInput};
use billfold_core::sync::{DataChanged, NotificationSettings, PaymentMethodRow, SyncPhase, SyncProgress};
use billfold_core::{AppOverview, ErrorCode, ErrorPayload};
use ts_rs::{Config, TS};

const BINDINGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/bindings.ts");

fn generate() -> String {
    // i64 counts stay far below 2^53; JSON numbers arrive as `number`.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        ErrorCode::decl(&cfg),
        ErrorPayload::decl(&cfg),
        Mode::decl(&cfg),
        AccountView::decl(&cfg),
        NewAccount::decl(&cfg),
        SyncState::decl(&cfg),
        SyncStatus::decl(&cfg),
        AppOverview::decl(&cfg),
        SyncPhase::decl(&cfg),
        SyncProgress::decl(&cfg),
        DataChanged::decl(&cfg),
        RequestLogEntry::decl(&cfg),
        OperationEntry::decl(&cfg),
        ListQuery::decl(&cfg),
        CustomerRow::decl(&cfg),
        InvoiceRow::decl(&cfg),
        CustomerPage::decl(&cfg),
        InvoicePage::decl(&cfg),
        SyncSettings::decl(&cfg),
        PaymentMethodRow::decl(&cfg),
        BalanceTransactionRow::decl(&cfg),
        BalanceAdjustmentInput::decl(&cfg),
        InvoiceActionKind::decl(&cfg),
        InvoiceLineView::decl(&cfg),
        InvoicePaymentView::decl(&cfg),
        CreditNoteRow::decl(&cfg),
        InvoiceTimelineEntry::decl(&cfg),
        InvoicePoLink::decl(&cfg),
        CustomField::decl(&cfg),
        InvoiceDetail::decl(&cfg),
        CollectionMethod::decl(&cfg),
        CustomerChoice::decl(&cfg),
        NewInvoiceLine::decl(&cfg),
        NewInvoiceInput::decl(&cfg),
        LineChange::decl(&cfg),
        DraftChanges::decl(&cfg),
        CatalogPrice::decl(&cfg),
        BulkResult::decl(&cfg),
        PriceRow::decl(&cfg),
        ProductRow::decl(&cfg),
        CatalogQuery::decl(&cfg),
        ProductInput::decl(&cfg),
        RecurringInput::decl(&cfg),
        PriceInput::decl(&cfg),
        ObjectRef::decl(&cfg),
        CopyStep::decl(&cfg),
        CopyAction::decl(&cfg),
        ProductChange::decl(&cfg),
        PlannedProduct::decl(&cfg),
        CopyCounts::decl(&cfg),
        CopyPlan::decl(&cfg),
        FileFormat::decl(&cfg),
        CopySource::decl(&cfg),
        CopyResult::decl(&cfg),
        CreditReason::decl(&cfg),
        CreditLineInput::decl(&cfg),
        CreditNoteInput::decl(&cfg),
        CreditNotePreviewLine::decl(&cfg),
        CreditNotePreview::decl(&cfg),
        SubscriptionRow::decl(&cfg),
        SubscriptionPage::decl(&cfg),
        RecurringPrice::decl(&cfg),
        SubscriptionItemView::decl(&cfg),
        PauseView::decl(&cfg),
        SubscriptionActionKind::decl(&cfg),
        SubscriptionDetail::decl(&cfg),
        DunningRow::decl(&cfg),
        DunningAction::decl(&cfg),
        DunningRule::decl(&cfg),
        NotificationSettings::decl(&cfg),
        UpcomingLine::decl(&cfg),
        UpcomingInvoice::decl(&cfg),
        SubscriptionAction::decl(&cfg),
        SubscriptionItemInput::decl(&cfg),
        TrialInput::decl(&cfg),
        NewSubscriptionInput::decl(&cfg),
        ProrationChoice::decl(&cfg),
        ItemChange::decl(&cfg),
        SubscriptionChangeInput::decl(&cfg),
        ChangeLine::decl(&cfg),
        ChangePreview::decl(&cfg),
        CouponRow::decl(&cfg),
        CouponValue::decl(&cfg),
        DiscountMode::decl(&cfg),
        Rate::decl(&cfg),
        MrrMonth::decl(&cfg),
        CurrencyMrr::decl(&cfg),
        MrrReport::decl(&cfg),
        MrrNowRow::decl(&cfg),
        NewCouponInput::decl(&cfg),
        AppliedDiscount::decl(&cfg),
        PaymentRow::decl(&cfg),
        PaymentPage::decl(&cfg),
        PaymentFilters::decl(&cfg),
        RefundRow::decl(&cfg),
        RefundPage::decl(&cfg),
        RefundReason::decl(&cfg),
        RefundInput::decl(&cfg),
        NewPaymentInput::decl(&cfg),
        DisputeSummary::decl(&cfg),
        PaymentEvent::decl(&cfg),
        PaymentDetail::decl(&cfg),
        CreditNotePage::decl(&cfg),
        DisputeRow::decl(&cfg),
        DisputePage::decl(&cfg),
        EvidenceFile::decl(&cfg),
        DisputeDetail::decl(&cfg),
        PickedFile::decl(&cfg),
        EvidenceFilePick::decl(&cfg),
        EvidenceForm::decl(&cfg),
        Address::decl(&cfg),
        CustomerInput::decl(&cfg),
        CustomerSubscription::decl(&cfg),
        CustomerPo::decl(&cfg),
        CustomerDetail::decl(&cfg),
        PoStatus::decl(&cfg),
        PaymentMethod::decl(&cfg),
        PoLineInput::decl(&cfg),
        PoInput::decl(&cfg),
        PoLine::decl(&cfg),
        PoPayment::decl(&cfg),
        NewPayment::decl(&cfg),
        AuditEntry::decl(&cfg),
        TimelineEntry::decl(&cfg),
        PoSummary::decl(&cfg),
        PurchaseOrder::decl(&cfg),
        PoListQuery::decl(&cfg),
        PoPage::decl(&cfg),
        CsvRowError::decl(&cfg),
        CsvImportReport::decl(&cfg),
        SimulateAction::decl(&cfg),
        SimulationTarget::decl(&cfg),
        SimulationTargets::decl(&cfg),
        AboutInfo::decl(&cfg),
        PayoutRow::decl(&cfg),
        PayoutPage::decl(&cfg),
        PayoutTransactionRow::decl(&cfg),
        PayoutSums::decl(&cfg),
        PayoutDetail::decl(&cfg),
        BalanceAmount::decl(&cfg),
        AccountBalance::decl(&cfg),
        EventQuery::decl(&cfg),
        EventRow::decl(&cfg),
        EventPage::decl(&cfg),
        EventDetail::decl(&cfg),
        Granularity::decl(&cfg),
        RevenueRow::decl(&cfg),
        RevenueCurrency::decl(&cfg),
        RevenueReport::decl(&cfg),
        AgingBucketName::decl(&cfg),
        AgingAmounts::decl(&cfg),
        AgingCustomer::decl(&cfg),
        AgingCurrency::decl(&cfg),
        AgingReport::decl(&cfg),
        AgingInvoice::decl(&cfg),
        AgingInvoicePage::decl(&cfg),
        AgingSort::decl(&cfg),
        TopBy::decl(&cfg),
        TopCustomer::decl(&cfg),
        TopCustomersCurrency::decl(&cfg),
        TopCustomersReport::decl(&cfg),
        DashboardMoney::decl(&cfg),
        DashboardCounts::decl(&cfg),
        DashboardFigures::decl(&cfg),
        ExportKind::decl(&cfg),
        ExportRequest::decl(&cfg),
        ExportProgress::decl(&cfg),
        ExportSummary::decl(&cfg),
        ExportOutcome::decl(&cfg),
        ColumnKind::decl(&cfg),
        TableColumn::decl(&cfg),
        TableValue::decl(&cfg),
        ReportTable::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p billfold bindings`.\n// Do not edit by hand.\n",
    );
    for decl in decls {
        out.push_str("\nexport ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}

#[test]
fn bindings_are_up_to_date() {
    let fresh = generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(BINDINGS, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(BINDINGS).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p billfold bindings`"
    );
}
