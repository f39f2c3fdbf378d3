struct Player { BYTE byRace; BYTE byClass; BYTE byLevel; DWORD dwGold; };
