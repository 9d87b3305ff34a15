"""Staff pages of cases, one module per part: ``cases`` (list, opening, the case page,
its steps and claims) and ``documents`` (文书 and the archive)."""
