@_exported import PlexusNN

/// PlexusLang: the lexer, parser and interpreter of the Plexus language (the language issue).
public enum PlexusLang {}
