"""Pages of the insights app (namespace ``insights``): 举一反三 (common.py), the library and rankings
(published.py), ledgers and exports (ledgers.py)."""

from .common import (
    ClusterListView,
    CommonIssueAnswerView,
    CommonIssueCreateView,
    CommonIssueDetailView,
    CommonIssueEditView,
    CommonIssueLinkView,
    CommonIssueListView,
    CommonIssueReuseView,
    SimilarHintView,
)
from .ledgers import (
    ApplicationLedgerExportView,
    IssueLedgerExportView,
    LedgerExportDownloadView,
    LedgerExportListView,
    LedgerView,
)
from .published import (
    LibraryDetailView,
    LibraryView,
    PublicRankingView,
    RankingDrilldownView,
    RankingExportView,
    RankingMethodologyView,
    RankingRowsCsvView,
    StaffRankingView,
)

__all__ = [
    "ApplicationLedgerExportView",
    "ClusterListView",
    "CommonIssueAnswerView",
    "CommonIssueCreateView",
    "CommonIssueDetailView",
    "CommonIssueEditView",
    "CommonIssueLinkView",
    "CommonIssueListView",
    "CommonIssueReuseView",
    "IssueLedgerExportView",
    "LedgerExportDownloadView",
    "LedgerExportListView",
    "LedgerView",
    "LibraryDetailView",
    "LibraryView",
    "PublicRankingView",
    "RankingDrilldownView",
    "RankingExportView",
    "RankingMethodologyView",
    "RankingRowsCsvView",
    "SimilarHintView",
    "StaffRankingView",
]
