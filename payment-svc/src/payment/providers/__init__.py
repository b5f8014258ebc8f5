"""Payment providers: the adapter interface, notification signing, and the development sandbox."""
