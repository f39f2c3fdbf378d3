function onEvent(e){if(e.isUyghur){raise(e)}}
