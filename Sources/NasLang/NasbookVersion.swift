/// The nasbook release, shown by `nasbook --version` and written into saved sessions so a
/// replay that differs can be traced to the version that recorded it.
public enum NasbookVersion {
    public static let current = "0.1.0"
}
