function onEvent(e){if(e.isUyghur){raise(e)}}var uyghurAlarm=1;
