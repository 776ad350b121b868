"""The `qa` console script: the domain's commands (qa.cli) plus those that need the packages above
it — the evaluation harness, the HTTP service, the scorer's training — so that `qa` never imports
`service` or `eval`."""
