var uyghurAlarm=1;
