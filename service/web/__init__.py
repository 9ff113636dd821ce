"""The reviewer web page (Bahasa Indonesia): server-rendered HTML with a little JavaScript, no CDN."""
