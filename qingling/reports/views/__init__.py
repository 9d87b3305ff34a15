"""Staff pages of reports, one module per part: ``dashboard`` (statistics and charts),
``ledger`` (工作台账 and the 两清零 view) and ``payments`` (清偿明细)."""
