"""Reports and documents made from audit data: the shared PDF style, the light-markup parser and
the 7-minute briefing renderer. Pure: no database session and no Qt in here."""
