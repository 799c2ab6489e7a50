//! The console: `dissent review`. The Elm shape: input becomes an [`Action`]; `update` changes
//! the plain [`App`] state and returns [`Effect`]s; the [`Executor`] runs them against the
//! store and feeds their results back as actions; `render` draws from `&App` alone.

pub mod action;
pub mod app;
pub mod effects;
pub mod form;
pub mod input;
pub mod keymap;
pub mod render;
pub mod scroll;
pub mod search;
pub mod staff;
pub mod terminal;
pub mod theme;
pub mod update;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Result;
use ratatui::crossterm::event;
use ratatui::layout::Rect;

pub use action::{Action, Effect};
pub use app::App;
pub use effects::Executor;
pub use input::action_for;
use keymap::Keymap;

/// How often the console looks for changes made by other processes when idle.
const WATCH: Duration = Duration::from_millis(500);

/// How the console was asked to start.
pub struct Options {
    /// Who is acting.
    pub actor: String,
    /// Capture the mouse.
    pub mouse: bool,
    /// The embedded demo, in memory.
    pub demo: bool,
    /// Key bindings.
    pub keymap: Keymap,
}

/// The state and executor of a console on `executor`'s batch, loaded for a screen of `size`.
pub fn start(executor: &mut Executor, options: &Options, size: Rect) -> App {
    let batch = executor.batch();
    let title = app::Title {
        batch: batch.name.clone(),
        finalized: batch.status == crate::store::BatchStatus::Finalized,
        actor: options.actor.clone(),
        demo: options.demo,
    };
    let mut app = App::new(title, batch.rubric.clone(), options.keymap.clone());
    app.theme = theme::Theme::for_no_color(std::env::var("NO_COLOR").ok().as_deref());
    let tasks = executor.tasks();
    executor.dispatch(&mut app, tasks);
    let models = executor.models();
    executor.dispatch(&mut app, models);
    executor.dispatch(&mut app, Action::Resize(size));
    let opened = executor.opened();
    executor.dispatch(&mut app, opened);
    app
}

/// Runs the console in the terminal until the user quits. The database is worked on a
/// thread of its own, so the screen keeps drawing and keys keep arriving while a query runs;
/// on quit, effects already asked for (a confirmed decision) finish before the process ends.
pub fn run(mut executor: Executor, options: &Options) -> Result<()> {
    let _guard = terminal::TerminalGuard::enter(options.mouse)?;
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
    let size = terminal.size()?;
    let mut app = start(
        &mut executor,
        options,
        Rect::new(0, 0, size.width, size.height),
    );
    let (effects, worker_effects) =
        mpsc::channel::<(Effect, crate::store::QueueFilter, crate::store::SortKey)>();
    let (worker_actions, actions) = mpsc::channel::<Action>();
    let worker = std::thread::spawn(move || {
        // Between effects, the worker looks for other processes' commits (and renews the open
        // form's claim), so decisions, claims and assignments made elsewhere show within a
        // second.
        let mut watched = Instant::now();
        loop {
            let found = match worker_effects.recv_timeout(WATCH.saturating_sub(watched.elapsed())) {
                // The QA report of a large batch takes seconds: made on a thread of its own.
                Ok((Effect::LoadQa { request }, _, _)) => {
                    let job = executor.qa_job(request);
                    let answer = worker_actions.clone();
                    std::thread::spawn(move || {
                        // The console may have closed meanwhile: then nobody waits for it.
                        let _ = answer.send(job());
                    });
                    None
                }
                Ok((effect, filter, sort)) => executor.run(&filter, sort, effect),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            if found.is_some_and(|a| worker_actions.send(a).is_err()) {
                break;
            }
            // Also while keys keep it busy.
            if watched.elapsed() >= WATCH {
                watched = Instant::now();
                if executor
                    .tick()
                    .is_some_and(|a| worker_actions.send(a).is_err())
                {
                    break;
                }
            }
        }
        executor.release();
    });
    let apply = |app: &mut App, action: Action| {
        for effect in update::update(app, action) {
            // The worker outlives the loop; a send fails only if it died, and then the
            // status bar would never hear back: say so.
            if effects
                .send((effect, app.filter.clone(), app.sort))
                .is_err()
            {
                app.message = Some("the database worker stopped".into());
            }
        }
    };
    let result = (|| -> Result<()> {
        let mut changed = true;
        loop {
            if changed {
                terminal.draw(|f| render::draw(f, &app))?;
                changed = false;
            }
            if app.quit {
                return Ok(());
            }
            // Every event that has arrived is applied before the next frame, so keys sent
            // together are read together, in order.
            let mut wait = Duration::from_millis(10);
            while event::poll(wait)? {
                wait = Duration::ZERO;
                let event = event::read()?;
                let size = terminal.size()?;
                if let Some(action) =
                    action_for(&app, &event, Rect::new(0, 0, size.width, size.height))
                {
                    apply(&mut app, action);
                    changed = true;
                }
            }
            while let Ok(action) = actions.try_recv() {
                apply(&mut app, action);
                changed = true;
            }
        }
    })();
    drop(effects);
    let _ = worker.join();
    result
}
