using System.Globalization;
using System.Text;

namespace TfFunctional.Serving;

/// <summary>One model of a <see cref="ModelConfigFile"/>: TF Serving's <c>ModelConfig</c> (name, base path, version policy, labels).</summary>
public sealed record ModelConfigEntry(string Name, string BasePath, VersionPolicy VersionPolicy, IReadOnlyDictionary<string, int> VersionLabels);

/// <summary>
/// TF Serving's <c>--model_config_file</c>: a <c>ModelServerConfig</c> in protobuf text format with a
/// <c>model_config_list</c> of <c>config</c> entries (<c>name</c>, <c>base_path</c>, <c>model_platform</c>,
/// <c>model_version_policy</c> with <c>latest { num_versions }</c>, <c>all {}</c> or <c>specific { versions }</c>, and
/// <c>version_labels { key value }</c>). A relative base path is taken from the file's folder.
/// </summary>
public static class ModelConfigFile
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">The file is not such a config; the message names the file and the place.</exception>
    public static IReadOnlyList<ModelConfigEntry> Read(string path) =>
        Parse(File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path))!);

    /// <summary>Parses config text; <paramref name="file"/> names it in errors, <paramref name="folder"/> anchors relative base paths.</summary>
    public static IReadOnlyList<ModelConfigEntry> Parse(string text, string file, string folder)
    {
        var reader = new TextFormatReader(text, file);
        var root = reader.ReadMessage(topLevel: true);
        var entries = new List<ModelConfigEntry>();
        foreach (var (field, value, line) in root)
        {
            if (field != "model_config_list") throw reader.Error($"unknown field '{field}' (a ModelServerConfig here holds model_config_list)", line);
            foreach (var (configField, config, configLine) in reader.Message(value, field, line))
            {
                if (configField != "config") throw reader.Error($"unknown field '{configField}' in model_config_list (it holds config entries)", configLine);
                entries.Add(Entry(reader, reader.Message(config, configField, configLine), configLine, folder));
            }
        }
        var repeated = entries.GroupBy(e => e.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (repeated.Length > 0) throw reader.Error($"model name(s) {string.Join(", ", repeated)} appear more than once", 1);
        return entries;
    }

    private static ModelConfigEntry Entry(TextFormatReader reader, List<(string Field, object Value, int Line)> config, int configLine, string folder)
    {
        string? name = null, basePath = null;
        VersionPolicy policy = VersionPolicy.Latest();
        var labels = new Dictionary<string, int>();
        foreach (var (field, value, line) in config)
        {
            switch (field)
            {
                case "name": name = reader.Text(value, field, line); break;
                case "base_path": basePath = reader.Text(value, field, line); break;
                case "model_platform":
                    string platform = reader.Text(value, field, line);
                    if (platform is not ("tensorflow" or "keras")) throw reader.Error($"model_platform '{platform}': this server serves Keras models ('tensorflow' or 'keras')", line);
                    break;
                case "model_version_policy": policy = Policy(reader, reader.Message(value, field, line), line); break;
                case "version_labels":
                    string? key = null;
                    int? version = null;
                    foreach (var (labelField, labelValue, labelLine) in reader.Message(value, field, line))
                    {
                        if (labelField == "key") key = reader.Text(labelValue, labelField, labelLine);
                        else if (labelField == "value") version = reader.Integer(labelValue, labelField, labelLine);
                        else throw reader.Error($"unknown field '{labelField}' in version_labels (key, value)", labelLine);
                    }
                    if (key is null || version is null) throw reader.Error("version_labels needs a key and a value", line);
                    labels[key] = version.Value;
                    break;
                default: throw reader.Error($"unknown field '{field}' in config (name, base_path, model_platform, model_version_policy, version_labels)", line);
            }
        }
        if (name is null || basePath is null) throw reader.Error("every config needs a name and a base_path", configLine);
        return new ModelConfigEntry(name, Path.GetFullPath(Path.Combine(folder, basePath)), policy, labels);
    }

    private static VersionPolicy Policy(TextFormatReader reader, List<(string Field, object Value, int Line)> policy, int line)
    {
        if (policy.Count != 1) throw reader.Error("model_version_policy holds one of latest, all, specific", line);
        var (kind, value, kindLine) = policy[0];
        var fields = reader.Message(value, kind, kindLine);
        switch (kind)
        {
            case "latest":
                if (fields.Any(f => f.Field != "num_versions")) throw reader.Error("latest holds num_versions", kindLine);
                int count = fields.Count == 0 ? 1 : reader.Integer(fields[^1].Value, "num_versions", fields[^1].Line);
                if (count == 0) throw reader.Error("num_versions should be positive", kindLine);
                return VersionPolicy.Latest(count);
            case "all": return VersionPolicy.All;
            case "specific":
                if (fields.Count == 0 || fields.Any(f => f.Field != "versions")) throw reader.Error("specific holds one or more versions", kindLine);
                return VersionPolicy.Specific([.. fields.Select(f => reader.Integer(f.Value, "versions", f.Line))]);
            default: throw reader.Error($"unknown version policy '{kind}' (latest, all, specific)", kindLine);
        }
    }

    /// <summary>
    /// The part of protobuf's text format these files use: <c>field: value</c> and <c>field { ... }</c> (or
    /// <c>field: { ... }</c>, <c>field &lt; ... &gt;</c>), quoted strings, integers, <c>#</c> comments, and optional
    /// <c>,</c> or <c>;</c> between fields.
    /// </summary>
    private sealed class TextFormatReader(string text, string file)
    {
        private int _position;

        /// <summary>An error at a given line, or (without one) where the reader stands.</summary>
        public FormatException Error(string message, int? line = null) => new($"{file}, line {line ?? Line}: {message}.");

        private int Line => 1 + text.AsSpan(0, Math.Min(_position, text.Length)).Count('\n');

        public List<(string Field, object Value, int Line)> ReadMessage(bool topLevel)
        {
            var fields = new List<(string, object, int)>();
            while (true)
            {
                SkipSpace();
                if (_position >= text.Length)
                {
                    if (topLevel) return fields;
                    throw Error("the file ends inside a message (a '}' is missing)");
                }
                if (text[_position] is '}' or '>')
                {
                    if (topLevel) throw Error($"unexpected '{text[_position]}'");
                    _position++;
                    return fields;
                }
                int line = Line;
                string field = Identifier();
                SkipSpace();
                bool colon = _position < text.Length && text[_position] == ':';
                if (colon)
                {
                    _position++;
                    SkipSpace();
                }
                if (_position < text.Length && text[_position] is '{' or '<')
                {
                    _position++;
                    fields.Add((field, ReadMessage(topLevel: false), line));
                }
                else if (!colon) throw Error($"'{field}' needs ': value' or '{{ ... }}'");
                else fields.Add((field, Scalar(), line));
                SkipSpace();
                if (_position < text.Length && text[_position] is ',' or ';') _position++;
            }
        }

        public List<(string Field, object Value, int Line)> Message(object value, string field, int line) =>
            value as List<(string Field, object Value, int Line)> ?? throw Error($"'{field}' should be a message {{ ... }}", line);

        public string Text(object value, string field, int line) => value as string ?? throw Error($"'{field}' should be a quoted string", line);

        public int Integer(object value, string field, int line) => value is long number && number is >= 0 and <= int.MaxValue
            ? (int)number : throw Error($"'{field}' should be a non-negative integer", line);

        private void SkipSpace()
        {
            while (_position < text.Length)
            {
                if (char.IsWhiteSpace(text[_position])) _position++;
                else if (text[_position] == '#')
                    while (_position < text.Length && text[_position] != '\n') _position++;
                else break;
            }
        }

        private string Identifier()
        {
            int start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '_')) _position++;
            if (_position == start) throw Error($"expected a field name, found '{text[_position]}'");
            return text[start.._position];
        }

        private object Scalar()
        {
            if (_position < text.Length && text[_position] is '"' or '\'')
            {
                char quote = text[_position++];
                var value = new StringBuilder();
                while (true)
                {
                    if (_position >= text.Length || text[_position] == '\n') throw Error("a string is not closed");
                    char c = text[_position++];
                    if (c == quote) return value.ToString();
                    if (c == '\\' && _position < text.Length)
                    {
                        char escaped = text[_position++];
                        value.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => escaped });
                    }
                    else value.Append(c);
                }
            }
            int start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] is '-' or '+' or '.' or '_')) _position++;
            string token = text[start.._position];
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number)) return number;
            return token.Length > 0 ? token : throw Error("expected a value");
        }
    }
}
