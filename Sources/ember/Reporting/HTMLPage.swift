/// The static pages `ember` writes (`report.html`, the tutorial's `index.html`): one style,
/// no scripts, nothing fetched from a network.
enum HTMLPage {
    static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(title.htmlEscaped)</title>
        <style>
        body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222 }
        table { border-collapse: collapse } td, th { padding: 0.2em 0.7em; border-bottom: 1px solid #ddd; vertical-align: top }
        th { background: #f3f3f3 } table.numbers td { text-align: right } code, pre { background: #f6f6f6; padding: 0.2em 0.4em }
        figure { display: inline-block; margin: 0 1.5em 1em 0; vertical-align: top } figure img { max-width: 100%; image-rendering: pixelated }
        figcaption { color: #666; font-size: 0.9em }
        </style></head>
        <body>
        \(body)</body></html>

        """
    }
}

extension String {
    /// The text with `&`, `<`, `>` and `"` escaped, safe inside HTML elements and quoted attributes.
    var htmlEscaped: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
