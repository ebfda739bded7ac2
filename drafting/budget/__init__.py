"""The structured budget of a draft: cost model (costmodel), lines and totals in öre (model),
the validation rules (rules), revisions (store), participants and the XLSX round trip."""
