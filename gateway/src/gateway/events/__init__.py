"""`POST /v1/events`: ministries publish the facts they own over HTTP, as CloudEvents."""
