"""The language server (`crashlint server`): workspace.py holds the analysed files, convert.py turns
findings and fixes into protocol values, server.py speaks the protocol (pygls)."""
