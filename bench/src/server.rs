//! A minimal keep-alive HTTP/1.1 server on 127.0.0.1 for the decode and loopback rows: one
//! thread per connection, canned answers by path, nothing parsed but the request line and
//! `Content-Length`, so its own cost stays small next to the clients'.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

/// Canned answers, by path (the query is ignored): a JSON body answered with 200.
pub type Routes = HashMap<String, Arc<Vec<u8>>>;

/// Starts the server; it lives as long as the process. Returns its base URL.
pub fn start(routes: Routes) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let routes = Arc::new(routes);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let routes = routes.clone();
            std::thread::spawn(move || {
                let _ = serve(stream, &routes);
            });
        }
    });
    Ok(format!("http://{addr}"))
}

fn serve(stream: TcpStream, routes: &Routes) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(()); // the client closed the connection
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/").to_owned();
        let mut length = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
        match routes.get(&path) {
            Some(answer) => {
                let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", answer.len());
                writer.write_all(head.as_bytes())?;
                writer.write_all(answer)?;
            }
            None => writer.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")?,
        }
        writer.flush()?;
    }
}
